"""GraphQL over HTTP as the spec and careful clients expect it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request

from service.api.context import Context
from service.api.schema import build_schema
from service.settings import Settings
from service.staff.enums import StaffRole
from service.staff.models import StaffSession
from tests.factories import bearer, codes, entry, gql, staff, token_for


async def test_several_operations_without_a_name_are_refused(client: httpx.AsyncClient) -> None:
    member = await staff(StaffRole.EDITOR)
    token = await token_for(member)
    body = await gql(client, "mutation A { logout } query B { locales }", headers=bearer(token))
    assert codes(body) == ["BAD_REQUEST"]
    assert body["data"] is None
    # The first operation, `logout`, did not run: the session is still alive.
    assert await StaffSession.filter(staff_id=member.id, revoked_at__isnull=True).exists()
    named = await client.post(
        "/graphql",
        json={"query": "mutation A { logout } query B { locales }", "operationName": "B"},
        headers=bearer(token),
    )
    assert named.json() == {"data": {"locales": ["sq", "en"]}}


async def test_no_suggestions_reveal_names_while_introspection_is_off(
    client: httpx.AsyncClient,
) -> None:
    misspelt = await gql(client, "{ entrie { edges { cursor } } }")
    assert codes(misspelt) == ["GRAPHQL_VALIDATION_FAILED"]
    bad_enum = await gql(
        client,
        "query($k: [EntryKind!]) { entries(filter: {kinds: $k}) { edges { cursor } } }",
        {"k": ["NEWZ"]},
    )
    assert codes(bad_enum) == ["BAD_USER_INPUT"]
    for body in (misspelt, bad_enum):
        assert "Did you mean" not in str(body), body


async def test_a_naive_expected_updated_at_is_bad_input_not_a_conflict(
    client: httpx.AsyncClient,
) -> None:
    draft = await entry("Lajm", publish=False)
    editor = await token_for(await staff(StaffRole.EDITOR))
    naive = datetime.now().replace(microsecond=0).isoformat()
    body = await gql(
        client,
        """mutation($id: ID!, $at: DateTime) {
          updateEntry(id: $id, input: {}, expectedUpdatedAt: $at) { errors { code } } }""",
        {"id": str(draft.id), "at": naive},
        headers=bearer(editor),
    )
    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "expectedUpdatedAt"


async def introspect(app: Starlette, settings: Settings) -> Any:
    scope = {"type": "http", "method": "POST", "headers": [], "path": "/", "query_string": b""}
    context = Context(request=Request(scope), settings=settings, services=app.state.services)
    result = await build_schema(settings).execute(
        "{ __schema { queryType { name } } }", context_value=context
    )
    return result.data, {(e.extensions or {}).get("code") for e in result.errors or []}


@pytest.mark.parametrize(
    ("debug", "setting", "allowed"),
    [(False, None, False), (True, None, True), (False, True, True), (True, False, False)],
)
async def test_graphql_introspection_follows_debug_unless_set(
    app: Starlette, settings: Settings, debug: bool, setting: bool | None, allowed: bool
) -> None:
    configured = settings.model_copy(update={"debug": debug, "graphql_introspection": setting})
    data, errors = await introspect(app, configured)
    if allowed:
        assert data == {"__schema": {"queryType": {"name": "Query"}}}
    else:
        assert errors == {"INTROSPECTION_DISABLED"}


async def test_a_500_in_debug_mode_shows_no_file_paths(settings: Settings) -> None:
    from service.app import create_app

    app = create_app(settings.model_copy(update={"debug": True}))

    async def broken(request: Request) -> Any:
        raise RuntimeError(f"failed in {__file__}")

    app.add_route("/broken", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/broken")
    assert response.status_code == 500
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert ".py" not in response.text
    assert "Traceback" not in response.text
