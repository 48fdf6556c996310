"""Passwords over GraphQL: changing your own, an admin setting someone's, sessions ending."""

from __future__ import annotations

from typing import Any

import httpx

from service.audit.models import AuditEvent
from service.staff.enums import StaffRole
from service.staff.models import StaffUser
from tests.factories import PASSWORD, bearer, gql, staff, token_for

CHANGE = """
mutation($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new) {
    staff { email } errors { field code }
  }
}"""
SET = """
mutation($id: ID!, $password: String!) {
  setStaffPassword(id: $id, password: $password) { staff { email } errors { field code } }
}"""
LOGIN = """
mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { token errors { code } }
}"""
ME = "{ me { email } }"
NEW = "a brand new long password"


async def signs_in(client: httpx.AsyncClient, email: str, password: str) -> bool:
    body = await gql(client, LOGIN, {"email": email, "password": password})
    return body["data"]["login"]["token"] is not None


async def me(client: httpx.AsyncClient, token: str) -> Any:
    response = await client.post("/graphql", json={"query": ME}, headers=bearer(token))
    body = response.json()
    return (body.get("data") or {}).get("me")


async def test_change_password_keeps_this_session_and_ends_the_others(
    client: httpx.AsyncClient,
) -> None:
    author = await staff(StaffRole.AUTHOR)
    here, elsewhere = await token_for(author), await token_for(author)
    body = await gql(client, CHANGE, {"current": PASSWORD, "new": NEW}, headers=bearer(here))
    assert body["data"]["changePassword"] == {"staff": {"email": author.email}, "errors": []}
    assert await me(client, here) == {"email": author.email}
    assert await me(client, elsewhere) is None
    assert not await signs_in(client, author.email, PASSWORD)
    assert await signs_in(client, author.email, NEW)
    event = await AuditEvent.get(action="staff.password_changed")
    assert event.details == {"sessions_ended": 1}
    assert NEW not in repr(event.details)


async def test_change_password_needs_the_current_one_and_a_good_new_one(
    client: httpx.AsyncClient,
) -> None:
    author = await staff(StaffRole.AUTHOR)
    token = await token_for(author)
    before = (await StaffUser.get(id=author.id)).password_hash
    wrong = await gql(
        client, CHANGE, {"current": "not it at all", "new": NEW}, headers=bearer(token)
    )
    assert wrong["data"]["changePassword"] == {
        "staff": None,
        "errors": [{"field": "currentPassword", "code": "INVALID_CREDENTIALS"}],
    }
    short = await gql(client, CHANGE, {"current": PASSWORD, "new": "short"}, headers=bearer(token))
    assert short["data"]["changePassword"]["errors"] == [
        {"field": "newPassword", "code": "PASSWORD_TOO_SHORT"}
    ]
    assert (await StaffUser.get(id=author.id)).password_hash == before
    assert await me(client, token) == {"email": author.email}


async def test_an_admin_sets_a_password_and_ends_every_session_of_theirs(
    client: httpx.AsyncClient,
) -> None:
    admin = await staff(StaffRole.ADMIN)
    editor = await staff(StaffRole.EDITOR)
    admin_token, editor_token = await token_for(admin), await token_for(editor)
    body = await gql(
        client, SET, {"id": str(editor.id), "password": NEW}, headers=bearer(admin_token)
    )
    assert body["data"]["setStaffPassword"] == {"staff": {"email": editor.email}, "errors": []}
    assert await me(client, editor_token) is None
    assert await me(client, admin_token) == {"email": admin.email}
    assert await signs_in(client, editor.email, NEW)
    event = await AuditEvent.get(action="staff.password_changed")
    assert event.actor_id == admin.id  # type: ignore[attr-defined]


async def test_set_staff_password_refuses_a_short_one_and_an_unknown_member(
    client: httpx.AsyncClient,
) -> None:
    admin = await staff(StaffRole.ADMIN)
    token = await token_for(admin)
    short = await gql(
        client, SET, {"id": str(admin.id), "password": "short"}, headers=bearer(token)
    )
    assert short["data"]["setStaffPassword"]["errors"] == [
        {"field": "password", "code": "PASSWORD_TOO_SHORT"}
    ]
    unknown = await gql(client, SET, {"id": "999999", "password": NEW}, headers=bearer(token))
    assert [e["extensions"]["code"] for e in unknown["errors"]] == ["NOT_FOUND"]
    assert await me(client, token) == {"email": admin.email}


async def test_guessing_the_current_password_is_throttled_as_sign_ins_are(
    client: httpx.AsyncClient,
) -> None:
    # A stolen session must not be a way round the sign-in throttle: each wrong current
    # password counts against the account (from this address) like a failed sign-in.
    author = await staff(StaffRole.AUTHOR)
    token = await token_for(author)
    before = (await StaffUser.get(id=author.id)).password_hash
    codes = []
    for n in range(6):
        guess = {"current": f"guess number {n}", "new": NEW}
        body = await gql(client, CHANGE, guess, headers=bearer(token))
        codes += [e["code"] for e in body["data"]["changePassword"]["errors"]]
    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["TOO_MANY_ATTEMPTS"]
    # The right one is refused too now, and so is signing in from here.
    right = await gql(client, CHANGE, {"current": PASSWORD, "new": NEW}, headers=bearer(token))
    assert right["data"]["changePassword"]["errors"] == [
        {"field": "currentPassword", "code": "TOO_MANY_ATTEMPTS"}
    ]
    assert not await signs_in(client, author.email, PASSWORD)
    assert (await StaffUser.get(id=author.id)).password_hash == before


async def test_a_right_current_password_clears_the_count(client: httpx.AsyncClient) -> None:
    author = await staff(StaffRole.AUTHOR)
    token = await token_for(author)
    for n in range(4):
        await gql(client, CHANGE, {"current": f"guess {n}", "new": NEW}, headers=bearer(token))
    body = await gql(client, CHANGE, {"current": PASSWORD, "new": NEW}, headers=bearer(token))
    assert body["data"]["changePassword"]["errors"] == []
    for n in range(4):  # a fresh budget: four more wrong ones are still only wrong
        wrong = await gql(
            client, CHANGE, {"current": f"again {n}", "new": NEW}, headers=bearer(token)
        )
        assert [e["code"] for e in wrong["data"]["changePassword"]["errors"]] == [
            "INVALID_CREDENTIALS"
        ]
