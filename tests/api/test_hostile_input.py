"""Inputs from the hardening run (issue 7): out-of-range dates, NUL characters, huge ids and
over-long slugs each get a coded refusal, change nothing and leave no traceback."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from tortoise import Tortoise

from service.api.cache import ResultCache
from service.api.persisted import PersistedQueries
from service.api.schema import build_schema
from service.api.view import GraphQLView
from service.content.enums import EntryKind
from service.content.models import Entry, EntryTranslation
from service.settings import Settings
from service.staff.enums import StaffRole
from tests.api.test_permissions import snapshot
from tests.factories import bearer, codes, days, entry, gql, now, staff, token_for, topic

CREATE = """
mutation($input: CreateEntryInput!) {
  createEntry(input: $input) { entry { id } errors { field code } }
}"""
UPDATE = """
mutation($id: ID!, $input: UpdateEntryInput!) {
  updateEntry(id: $id, input: $input) { entry { id } errors { field code } }
}"""
SCHEDULE = """
mutation($id: ID!, $at: DateTime!) {
  scheduleEntry(id: $id, publishAt: $at) { entry { id } errors { field code } }
}"""
LIST = """{ entries(first: 20) { edges { node {
  id publishedAt updatedAt
  ... on Event { startsAt endsAt }
  ... on OpenCall { opensAt deadline isOpen }
} } } }"""

FAR_FUTURE = "9999-12-31T23:59:59Z"  # a common "no deadline" value
YEAR_ONE = "0001-01-01T00:00:00Z"  # asyncpg stores it as -infinity


@pytest.fixture
async def admin_headers(db: None) -> dict[str, str]:
    return bearer(await token_for(await staff(StaffRole.ADMIN)))


def _kind_and_fields(field: str, value: str) -> dict[str, Any]:
    later = (now() + days(5)).isoformat()
    if field in {"startsAt", "endsAt"}:
        fields = {"kind": "EVENT", "startsAt": later, field: value}
    else:
        fields = {"kind": "CALL", "deadline": later, field: value}
    return {**fields, "translations": [{"locale": "sq", "title": "Afati"}]}


@pytest.mark.parametrize("value", [FAR_FUTURE, YEAR_ONE, "2201-01-01T00:00:00Z"])
@pytest.mark.parametrize("field", ["startsAt", "endsAt", "opensAt", "deadline"])
async def test_a_date_out_of_range_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], field: str, value: str
) -> None:
    before = await snapshot()
    body = await gql(
        client, CREATE, {"input": _kind_and_fields(field, value)}, headers=admin_headers
    )
    assert "errors" not in body, body
    assert {"field": field, "code": "INVALID"} in body["data"]["createEntry"]["errors"]
    assert await snapshot() == before


async def test_updates_and_schedules_refuse_dates_out_of_range(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    draft = await entry("Ngjarje", kind=EntryKind.EVENT, publish=False)
    before = await snapshot()
    body = await gql(
        client,
        UPDATE,
        {"id": str(draft.id), "input": {"endsAt": FAR_FUTURE}},
        headers=admin_headers,
    )
    assert body["data"]["updateEntry"]["errors"] == [{"field": "endsAt", "code": "INVALID"}]
    body = await gql(
        client, SCHEDULE, {"id": str(draft.id), "at": FAR_FUTURE}, headers=admin_headers
    )
    assert body["data"]["scheduleEntry"]["errors"] == [{"field": "publishAt", "code": "INVALID"}]
    assert await snapshot() == before


@pytest.mark.parametrize("stored", ["far-future", "infinity", "-infinity", "year-one"])
async def test_a_stored_date_out_of_range_never_breaks_the_public_list(
    client: httpx.AsyncClient, stored: str
) -> None:
    # Rows written before the bounds existed (or by hand) must still render.
    call = await entry("Thirrje", kind=EntryKind.CALL)
    event = await entry("Ngjarje", kind=EntryKind.EVENT)
    conn = Tortoise.get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    if stored in {"infinity", "-infinity"} and not postgres:
        pytest.skip("only PostgreSQL has infinite timestamps")
    literal = {
        "far-future": "'9999-12-31 23:59:59+00:00'",
        "year-one": "'0001-01-01 00:00:00+00:00'",
        "infinity": "'infinity'",
        "-infinity": "'-infinity'",
    }[stored]
    await conn.execute_script(f"UPDATE entry SET deadline = {literal} WHERE id = {call.id}")
    await conn.execute_script(
        f"UPDATE entry SET starts_at = {literal}, ends_at = {literal} WHERE id = {event.id}"
    )
    body = await gql(client, LIST)
    assert "errors" not in body, body
    assert len(body["data"]["entries"]["edges"]) == 2


async def test_a_failure_after_the_write_rolls_the_write_back(
    app: Starlette, admin_headers: dict[str, str], settings: Settings
) -> None:
    # A frontend URL template naming a field entries lack fails while the answer is built,
    # after the entry was written: the client sees an error, so nothing may stay behind.
    broken = settings.model_copy(update={"frontend_url": "https://example.org/{missing}"})
    view = GraphQLView(
        build_schema(broken),
        broken,
        ResultCache(0),
        app.state.content_versions,
        PersistedQueries.from_settings(broken),
    )
    other = Starlette(routes=[Route("/graphql", view, methods=["POST"])])
    other.state.services = app.state.services
    other.state.redis = app.state.redis
    before = await snapshot()
    transport = httpx.ASGITransport(app=other)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        body = await gql(
            http,
            CREATE,
            {"input": {"kind": "NEWS", "translations": [{"locale": "sq", "title": "Lajm"}]}},
            headers=admin_headers,
        )
    assert codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert await snapshot() == before
    assert await Entry.all().count() == 0


# --- NUL characters, huge ids, over-long slugs -------------------------------------------

NUL = "a\u0000b"
ANONYMOUS_NUL = [
    pytest.param(
        "query($s: String) { entries(filter: {search: $s}) { edges { cursor } } }", id="search"
    ),
    pytest.param(
        "query($s: String!) { entries(filter: {topics: [$s]}) { edges { cursor } } }", id="topics"
    ),
    pytest.param("query($s: String!) { entry(slug: $s) { id } }", id="slug"),
    pytest.param("query($s: String) { topics(locale: $s) { slug } }", id="locale"),
    pytest.param(
        'mutation($s: String!) { login(email: $s, password: "whatever it is") { token } }',
        id="login-email",
    ),
]


@pytest.mark.parametrize("document", ANONYMOUS_NUL)
async def test_nul_in_a_variable_is_bad_user_input(
    client: httpx.AsyncClient, document: str, caplog: pytest.LogCaptureFixture
) -> None:
    await entry("Lajm")
    before = await snapshot()
    with caplog.at_level(logging.INFO):
        body = await gql(client, document, {"s": NUL})
    assert codes(body) == ["BAD_USER_INPUT"], body
    assert await snapshot() == before
    assert not [r for r in caplog.records if r.exc_info], "expected refusals log no traceback"


async def test_nul_in_a_literal_is_bad_user_input(client: httpx.AsyncClient) -> None:
    body = await gql(client, '{ entries(filter: {search: "x\\u0000"}) { edges { cursor } } }')
    assert codes(body) == ["BAD_USER_INPUT"]
    body = await gql(client, '{ a: entry(slug: "x\\u0000") { id } b: locales }')
    assert codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", NUL),
        ("summary", NUL),
        ("slug", NUL),
    ],
)
async def test_nul_in_staff_input_changes_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], field: str, value: str
) -> None:
    translation = {"locale": "sq", "title": "Titull", field: value}
    before = await snapshot()
    body = await gql(
        client,
        CREATE,
        {"input": {"kind": "NEWS", "translations": [translation]}},
        headers=admin_headers,
    )
    assert codes(body) == ["BAD_USER_INPUT"] or body["data"]["createEntry"]["errors"], body
    assert "INTERNAL_SERVER_ERROR" not in codes(body)
    assert await snapshot() == before


BIG = str(2**31)
ID_DOCUMENTS = [
    pytest.param("query($id: ID!) { entryById(id: $id) { id } }", id="entryById"),
    pytest.param("query($id: ID!) { entryRevisions(id: $id) { id } }", id="entryRevisions"),
    pytest.param(
        'mutation($id: ID!) { updateEntry(id: $id, input: {venue: "x"}) { errors { code } } }',
        id="updateEntry",
    ),
    pytest.param("mutation($id: ID!) { submitEntry(id: $id) { errors { code } } }", id="submit"),
    pytest.param("mutation($id: ID!) { publishEntry(id: $id) { errors { code } } }", id="publish"),
    pytest.param(
        'mutation($id: ID!) { scheduleEntry(id: $id, publishAt: "2099-01-01T00:00:00Z")'
        " { errors { code } } }",
        id="schedule",
    ),
    pytest.param("mutation($id: ID!) { unpublishEntry(id: $id) { errors { code } } }", id="unpub"),
    pytest.param("mutation($id: ID!) { archiveEntry(id: $id) { errors { code } } }", id="archive"),
    pytest.param("mutation($id: ID!) { deleteEntry(id: $id) { errors { code } } }", id="delete"),
    pytest.param("mutation($id: ID!) { restoreRevision(id: $id) { errors { code } } }", id="rev"),
    pytest.param("mutation($id: ID!) { createPreviewToken(id: $id) { token } }", id="preview"),
    pytest.param(
        'mutation($id: ID!) { updateStaff(id: $id, input: {name: "X"}) { errors { code } } }',
        id="updateStaff",
    ),
    pytest.param(
        'mutation($id: ID!) { createApiToken(name: "ci", staffId: $id) { errors { code } } }',
        id="createApiToken",
    ),
    pytest.param("mutation($id: ID!) { revokeApiToken(id: $id) { errors { code } } }", id="revoke"),
]


@pytest.mark.parametrize("value", [BIG, "-" + BIG + "1", "9" * 40])
@pytest.mark.parametrize("document", ID_DOCUMENTS)
async def test_an_id_beyond_int32_is_bad_user_input(
    client: httpx.AsyncClient, admin_headers: dict[str, str], document: str, value: str
) -> None:
    before = await snapshot()
    body = await gql(client, document, {"id": value}, headers=admin_headers)
    assert codes(body) == ["BAD_USER_INPUT"], body
    assert await snapshot() == before


async def test_over_long_slugs_are_refused(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await topic("youth", "Rinia")
    body = await gql(client, "query($s: String!) { entry(slug: $s) { id } }", {"s": "a" * 201})
    assert codes(body) == ["BAD_USER_INPUT"]
    body = await gql(
        client,
        "query($s: String!) { entries(filter: {topics: [$s]}) { edges { cursor } } }",
        {"s": "t" * 81},
    )
    assert codes(body) == ["BAD_USER_INPUT"]
    for document in (
        "mutation($s: String!) { deleteTopic(slug: $s) { deletedId } }",
        "mutation($s: String!) { updateTopic(slug: $s, names: []) { errors { code } } }",
    ):
        body = await gql(client, document, {"s": "t" * 81}, headers=admin_headers)
        assert codes(body) == ["BAD_USER_INPUT"], body
    before = await snapshot()
    body = await gql(
        client,
        "mutation($input: TopicInput!) { createTopic(input: $input) { errors { field code } } }",
        {"input": {"slug": "t" * 81, "names": [{"locale": "sq", "name": "Gjatë"}]}},
        headers=admin_headers,
    )
    assert body["data"]["createTopic"]["errors"] == [{"field": "slug", "code": "TOO_LONG"}]
    body = await gql(
        client,
        CREATE,
        {
            "input": {
                "kind": "NEWS",
                "topics": ["t" * 81],
                "translations": [{"locale": "sq", "title": "Lajm"}],
            }
        },
        headers=admin_headers,
    )
    assert body["data"]["createEntry"]["errors"] == [{"field": "topics", "code": "UNKNOWN_TOPIC"}]
    assert await snapshot() == before


# --- control characters in one-line text --------------------------------------------------

INJECTED = "Ana\r\nBcc: everyone@example.org"


async def test_names_with_line_breaks_are_refused(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    target = await staff(StaffRole.AUTHOR, "target@example.org")
    before = await snapshot()
    body = await gql(
        client,
        "mutation($n: String!) { updateMe(input: {name: $n}) { errors { field code } } }",
        {"n": INJECTED},
        headers=admin_headers,
    )
    assert body["data"]["updateMe"]["errors"] == [{"field": "name", "code": "INVALID"}]
    body = await gql(
        client,
        """mutation($n: String!) { createStaff(input: {email: "new@example.org", name: $n,
             role: AUTHOR, password: "a long enough password"}) { errors { field code } } }""",
        {"n": "New\u2028Person"},
        headers=admin_headers,
    )
    assert body["data"]["createStaff"]["errors"] == [{"field": "name", "code": "INVALID"}]
    body = await gql(
        client,
        """mutation($id: ID!, $n: String!) {
             updateStaff(id: $id, input: {name: $n}) { errors { field code } } }""",
        {"id": str(target.id), "n": "Tab\there"},
        headers=admin_headers,
    )
    assert body["data"]["updateStaff"]["errors"] == [{"field": "name", "code": "INVALID"}]
    assert await snapshot() == before


async def test_titles_and_summaries_with_control_characters_are_refused(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    before = await snapshot()
    body = await gql(
        client,
        CREATE,
        {
            "input": {
                "kind": "NEWS",
                "translations": [
                    {"locale": "sq", "title": "Lajm\r\nX-Evil: 1", "summary": "Ok"},
                    {"locale": "en", "title": "News", "summary": "Bell\u0007"},
                ],
            }
        },
        headers=admin_headers,
    )
    assert body["data"]["createEntry"]["errors"] == [
        {"field": "translations.0.title", "code": "INVALID"},
        {"field": "translations.1.summary", "code": "INVALID"},
    ]
    assert await snapshot() == before
    # A summary may run over several lines.
    body = await gql(
        client,
        CREATE,
        {
            "input": {
                "kind": "NEWS",
                "translations": [{"locale": "sq", "title": "Lajm", "summary": "Një\r\nDy\tTre"}],
            }
        },
        headers=admin_headers,
    )
    assert body["data"]["createEntry"]["errors"] == []


async def test_a_burst_of_same_title_creations_all_succeed(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    variables = {"input": {"kind": "NEWS", "translations": [{"locale": "sq", "title": "Njoftim"}]}}
    bodies = await asyncio.gather(
        *(gql(client, CREATE, variables, headers=admin_headers) for _ in range(20))
    )
    assert [b["data"]["createEntry"]["errors"] for b in bodies] == [[]] * 20
    slugs = await EntryTranslation.all().values_list("slug", flat=True)
    assert len(set(slugs)) == 20
