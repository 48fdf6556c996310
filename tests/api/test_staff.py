"""Staff over GraphQL: login, me, logout, tokens, admin operations and the audit log."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
from redis.asyncio import Redis
from starlette.applications import Starlette

from service.staff.enums import StaffRole
from service.staff.models import ApiToken, StaffSession, StaffUser
from service.staff.throttle import LoginThrottle
from service.staff.tokens import token_digest
from tests.api.test_query_counts import count_statements
from tests.factories import (
    PASSWORD,
    bearer,
    codes,
    expired_token_for,
    gql,
    now,
    refused_token,
    staff,
    token_for,
)

LOGIN = """
mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    token expiresAt staff { email role } errors { field code message }
  }
}"""
ME = "{ me { id email name role locale notifyOn isActive lastLoginAt } }"
STAFF_MEMBERS = "{ staffMembers { email role } }"
UPDATE_ME = """
mutation($input: UpdateMeInput!) {
  updateMe(input: $input) { staff { name locale notifyOn } errors { field code } }
}"""
CREATE_TOKEN = """
mutation($name: String!, $staffId: ID) {
  createApiToken(name: $name, staffId: $staffId) {
    token apiToken { id name owner { email } lastUsedAt revoked } errors { code }
  }
}"""
REVOKE_TOKEN = "mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { revoked } } }"
UPDATE_STAFF = """
mutation($id: ID!, $input: UpdateStaffInput!) {
  updateStaff(id: $id, input: $input) { staff { role isActive } errors { field code } }
}"""
AUDIT = """
query($first: Int, $after: String) {
  auditLog(first: $first, after: $after) {
    edges { cursor node { action actor { email } target details } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> Any:
    body = await gql(client, LOGIN, {"email": email, "password": password})
    assert "errors" not in body, body
    return body["data"]["login"]


async def test_login_gives_a_token_that_me_accepts(client: httpx.AsyncClient) -> None:
    editor = await staff(StaffRole.EDITOR, "drita@example.org", name="Drita")
    login = await sign_in(client, "Drita@Example.org")
    assert login["errors"] == []
    assert login["token"].startswith("bls_")
    assert login["staff"] == {"email": "drita@example.org", "role": "EDITOR"}
    assert login["expiresAt"].endswith("+01:00") or login["expiresAt"].endswith("+02:00")
    body = await gql(client, ME, headers=bearer(login["token"]))
    assert body["data"]["me"]["id"] == str(editor.id)
    assert body["data"]["me"]["notifyOn"] == ["EVENT", "CALL"]
    assert body["data"]["me"]["lastLoginAt"] is not None


async def test_me_is_null_when_anonymous(client: httpx.AsyncClient) -> None:
    assert await gql(client, ME) == {"data": {"me": None}}


async def test_a_token_that_is_not_valid_is_401_never_anonymous(
    client: httpx.AsyncClient,
) -> None:
    editor = await staff(StaffRole.EDITOR)
    await refused_token(client, ME, await expired_token_for(editor))
    await refused_token(client, ME, "garbage")
    await refused_token(client, "{ locales }", "bls_not-a-session-at-all")
    response = await client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": "Basic YWRtaW46YWRtaW4="}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "sign in again" in response.json()["errors"][0]["message"]


async def test_only_requests_with_a_token_look_one_up(client: httpx.AsyncClient) -> None:
    editor = await staff(StaffRole.EDITOR)
    token = await token_for(editor)
    auth_tables = ("staff_session", "api_token", "staff_user")
    with count_statements() as anonymous:
        await gql(client, ME)
    assert not [sql for sql in anonymous if any(t in sql for t in auth_tables)]
    with count_statements() as signed_in:
        await gql(client, ME, headers=bearer(token))
    # One lookup (session joined with its staff member); last_seen_at was set at login.
    assert len([sql for sql in signed_in if any(t in sql for t in auth_tables)]) == 1


async def test_a_wrong_password_is_a_payload_error(client: httpx.AsyncClient) -> None:
    editor = await staff(StaffRole.EDITOR)
    body = await gql(client, LOGIN, {"email": editor.email, "password": "not it at all"})
    assert "errors" not in body
    login = body["data"]["login"]
    assert login["token"] is None
    assert login["staff"] is None
    assert [e["code"] for e in login["errors"]] == ["INVALID_CREDENTIALS"]
    assert await StaffSession.all().count() == 0


async def test_an_account_is_throttled_after_five_failures(client: httpx.AsyncClient) -> None:
    editor = await staff(StaffRole.EDITOR)
    for _ in range(5):
        body = await gql(client, LOGIN, {"email": editor.email, "password": "wrong guess"})
        assert body["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    body = await gql(client, LOGIN, {"email": editor.email, "password": PASSWORD})
    assert body["data"]["login"]["token"] is None
    assert body["data"]["login"]["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"


async def test_an_address_is_throttled_after_twenty_failures(client: httpx.AsyncClient) -> None:
    editor = await staff(StaffRole.EDITOR)
    for i in range(20):
        await gql(client, LOGIN, {"email": f"guess{i}@example.org", "password": "wrong guess"})
    body = await gql(client, LOGIN, {"email": editor.email, "password": PASSWORD})
    assert body["data"]["login"]["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"


async def test_logout_ends_the_session(client: httpx.AsyncClient) -> None:
    editor = await staff(StaffRole.EDITOR)
    token = (await sign_in(client, editor.email))["token"]
    assert (await gql(client, "mutation { logout }", headers=bearer(token)))["data"] == {
        "logout": True
    }
    await refused_token(client, ME, token)
    await refused_token(client, "mutation { logout }", token)


async def test_an_expired_session_is_unauthenticated(client: httpx.AsyncClient) -> None:
    admin = await staff(StaffRole.ADMIN)
    await refused_token(client, STAFF_MEMBERS, await expired_token_for(admin))


async def test_admin_queries_refuse_editors_and_strangers(client: httpx.AsyncClient) -> None:
    admin = await staff(StaffRole.ADMIN, "admin@example.org")
    editor = await staff(StaffRole.EDITOR, "editor@example.org")
    for query in (STAFF_MEMBERS, "{ apiTokens { id } }", "{ auditLog { edges { cursor } } }"):
        assert codes(await gql(client, query)) == ["UNAUTHENTICATED"]
        assert codes(await gql(client, query, headers=bearer(await token_for(editor)))) == [
            "FORBIDDEN"
        ]
    body = await gql(client, STAFF_MEMBERS, headers=bearer(await token_for(admin)))
    assert body["data"]["staffMembers"] == [
        {"email": "admin@example.org", "role": "ADMIN"},
        {"email": "editor@example.org", "role": "EDITOR"},
    ]


async def test_signed_in_answers_are_never_cached(client: httpx.AsyncClient) -> None:
    editor = await staff(StaffRole.EDITOR)
    response = await client.get(
        "/graphql", params={"query": ME}, headers=bearer(await token_for(editor))
    )
    assert response.headers["cache-control"] == "private, no-store"


async def test_update_me_changes_the_profile(client: httpx.AsyncClient) -> None:
    author = await staff(StaffRole.AUTHOR)
    headers = bearer(await token_for(author))
    variables = {"input": {"name": "Arta", "locale": "en", "notifyOn": ["CALL"]}}
    body = await gql(client, UPDATE_ME, variables, headers=headers)
    assert body["data"]["updateMe"] == {
        "staff": {"name": "Arta", "locale": "en", "notifyOn": ["CALL"]},
        "errors": [],
    }
    # News sends no notice: asking for it is refused, not stored and silently never kept.
    news = {"input": {"name": "Arta B", "notifyOn": ["EVENT", "NEWS"]}}
    body = await gql(client, UPDATE_ME, news, headers=headers)
    assert body["data"]["updateMe"]["errors"] == [{"field": "notifyOn", "code": "INVALID"}]
    refused = await StaffUser.get(id=author.id)
    assert (refused.name, refused.notify_on) == ("Arta", ["call"])
    body = await gql(client, UPDATE_ME, {"input": {"locale": "de"}}, headers=headers)
    assert body["data"]["updateMe"]["errors"] == [{"field": "locale", "code": "UNSUPPORTED_LOCALE"}]
    assert (await StaffUser.get(id=author.id)).locale == "en"


async def test_api_tokens_are_shown_once_used_and_revoked(client: httpx.AsyncClient) -> None:
    admin = await staff(StaffRole.ADMIN)
    bot = await staff(StaffRole.AUTHOR, "preview-bot@example.org")
    admin_headers = bearer(await token_for(admin))
    body = await gql(
        client, CREATE_TOKEN, {"name": "Preview", "staffId": str(bot.id)}, headers=admin_headers
    )
    created = body["data"]["createApiToken"]
    plain = created["token"]
    assert plain.startswith("blt_")
    assert created["apiToken"]["owner"] == {"email": "preview-bot@example.org"}
    assert created["apiToken"]["lastUsedAt"] is None

    me = await gql(client, ME, headers=bearer(plain))
    assert me["data"]["me"]["email"] == "preview-bot@example.org"
    row = await ApiToken.get(id=int(created["apiToken"]["id"]))
    assert row.token_hash == token_digest(plain)
    assert row.last_used_at is not None
    assert now() - row.last_used_at < timedelta(minutes=1)
    listed = await gql(client, "{ apiTokens { name lastUsedAt } }", headers=admin_headers)
    assert listed["data"]["apiTokens"][0]["lastUsedAt"] is not None
    assert plain not in str(listed)

    body = await gql(client, REVOKE_TOKEN, {"id": created["apiToken"]["id"]}, headers=admin_headers)
    assert body["data"]["revokeApiToken"]["apiToken"]["revoked"] is True
    await refused_token(client, UPDATE_ME, plain, {"input": {}})


async def test_admin_changes_are_checked_and_logged(client: httpx.AsyncClient) -> None:
    admin = await staff(StaffRole.ADMIN, "admin@example.org")
    author = await staff(StaffRole.AUTHOR)
    headers = bearer(await token_for(admin))
    body = await gql(
        client,
        UPDATE_STAFF,
        {"id": str(author.id), "input": {"role": "EDITOR"}},
        headers=headers,
    )
    assert body["data"]["updateStaff"] == {
        "staff": {"role": "EDITOR", "isActive": True},
        "errors": [],
    }
    body = await gql(
        client, UPDATE_STAFF, {"id": str(admin.id), "input": {"isActive": False}}, headers=headers
    )
    assert body["data"]["updateStaff"]["errors"] == [{"field": "isActive", "code": "LAST_ADMIN"}]
    for missing in ("999999", "abc"):
        body = await gql(
            client, UPDATE_STAFF, {"id": missing, "input": {"name": "X"}}, headers=headers
        )
        assert codes(body) == ["NOT_FOUND"]

    log = await gql(client, AUDIT, {"first": 2}, headers=headers)
    page = log["data"]["auditLog"]
    assert [e["node"]["action"] for e in page["edges"]] == ["staff.updated", "staff.login"]
    assert page["edges"][0]["node"]["details"] == {"role": ["author", "editor"]}
    assert page["edges"][0]["node"]["actor"] == {"email": "admin@example.org"}
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql(
        client, AUDIT, {"first": 100, "after": page["pageInfo"]["endCursor"]}, headers=headers
    )
    actions = [e["node"]["action"] for e in rest["data"]["auditLog"]["edges"]]
    assert actions == ["staff.created", "staff.created"]


async def test_audit_log_refuses_bad_paging(client: httpx.AsyncClient) -> None:
    admin = await staff(StaffRole.ADMIN)
    headers = bearer(await token_for(admin))
    assert codes(await gql(client, AUDIT, {"first": 101}, headers=headers)) == ["BAD_USER_INPUT"]
    assert codes(await gql(client, AUDIT, {"after": "bm9wZQ"}, headers=headers)) == [
        "BAD_USER_INPUT"
    ]


async def test_create_staff_reports_a_duplicate_email(client: httpx.AsyncClient) -> None:
    admin = await staff(StaffRole.ADMIN, "admin@example.org")
    document = """mutation($input: CreateStaffInput!) {
      createStaff(input: $input) { staff { email role locale } errors { field code } } }"""
    new = {"email": "Besa@example.org", "name": "Besa", "role": "AUTHOR", "password": PASSWORD}
    headers = bearer(await token_for(admin))
    body = await gql(client, document, {"input": new}, headers=headers)
    assert body["data"]["createStaff"] == {
        "staff": {"email": "besa@example.org", "role": "AUTHOR", "locale": "sq"},
        "errors": [],
    }
    body = await gql(client, document, {"input": new}, headers=headers)
    assert body["data"]["createStaff"] == {
        "staff": None,
        "errors": [{"field": "email", "code": "DUPLICATE_EMAIL"}],
    }


async def test_sign_in_is_refused_not_unthrottled_while_redis_is_down(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    member = await staff(StaffRole.EDITOR)
    working = app.state.services
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    down = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    app.state.services = replace(
        working, login_throttle=LoginThrottle.from_settings(down, app.state.settings)
    )
    try:
        login = await sign_in(client, member.email)
    finally:
        await down.aclose()
        app.state.services = working
    assert login["token"] is None
    assert [e["code"] for e in login["errors"]] == ["UNAVAILABLE"]
    assert not await StaffSession.exists(staff_id=member.id)
