"""Schema fuzzing: queries and mutations generated from graphql/schema.graphql
(hypothesis-graphql), sent to the real app, anonymously and as an admin.

Whatever comes in, the answer is never a 5xx nor INTERNAL_SERVER_ERROR, every error
carries `extensions.code`, and anonymous callers change no row of any table.

The documents are generated first (a fixed budget, a fixed seed, printed; FUZZ_SEED and
FUZZ_EXAMPLES change them) and then sent one by one: the app lives on the test's event
loop, which hypothesis cannot drive. A failing document is printed whole; add it to
FOUND below so it stays tested after the fix. More: FUZZ_EXAMPLES=200.

`after` arguments are left out of generated documents: cursors are validated by the
pagination code, which has tests of its own for forged ones.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from service.content.enums import EntryKind
from service.staff.actions import create_api_token
from service.staff.enums import StaffRole
from tests.api.test_permissions import snapshot
from tests.factories import bearer, days, entry, staff, topic

SEED = int(os.environ.get("FUZZ_SEED", "20261201"))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))  # per root field
SCHEMA_FILE = "graphql/schema.graphql"

# Documents the fuzzer once broke the app with (issue 7): they stay as fixed cases.
FOUND = [
    '{ entries(filter: {search: "\\u0000"}) { edges { cursor } } }',
    '{ entry(slug: "\\u0000") { id } }',
    '{ entry(slug: "%s") { id } }' % ("s" * 201),
    '{ entries(filter: {topics: ["%s"]}) { totalCount } }' % ("t" * 81),
    '{ entryById(id: "2147483648") { id } }',
    '{ entryRevisions(id: "99999999999999999999") { id } }',
    'mutation { publishEntry(id: "-2147483649") { errors { code } } }',
    'mutation { login(email: "\\u0000", password: "x") { token errors { code } } }',
    'mutation { createEntry(input: {kind: CALL, deadline: "9999-12-31T23:59:59Z",'
    ' translations: [{locale: "sq", title: "Afati"}]}) { entry { id } errors { code } } }',
    'mutation { createEntry(input: {kind: EVENT, startsAt: "0001-01-01T00:00:00Z",'
    ' translations: [{locale: "sq", title: "Ngjarje"}]}) { entry { id } errors { code } } }',
    'mutation { updateMe(input: {name: "A\\r\\nBcc: x@example.org"}) { errors { code } } }',
    'mutation { deleteTopic(slug: "%s") { deletedId } }' % ("t" * 81),
]


def _datetimes() -> st.SearchStrategy[graphql.ValueNode]:
    zones = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])
    moments = st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=zones
    )
    edges = st.sampled_from(
        ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2030-01-01T00:00:00", "not a date"]
    )
    return st.one_of(moments.map(datetime.isoformat), edges).map(nodes.String)


CUSTOM_SCALARS = {"DateTime": _datetimes(), "JSON": st.text(max_size=20).map(nodes.String)}


class _WithoutAfter(graphql.Visitor):
    def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> object:
        return self.REMOVE if node.name.value == "after" else None


def _print(document: graphql.DocumentNode) -> str:
    return graphql.print_ast(graphql.visit(document, _WithoutAfter()))


def _schema() -> graphql.GraphQLSchema:
    with open(SCHEMA_FILE, encoding="utf-8") as sdl:
        return graphql.build_schema(sdl.read())


def _collect(strategy: st.SearchStrategy[str], count: int, salt: int) -> list[str]:
    found: list[str] = []

    @seed(SEED + salt)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return found


def root_fields() -> list[str]:
    schema = _schema()
    roots = [schema.query_type, schema.mutation_type]
    return sorted(name for root in roots if root is not None for name in root.fields)


def generate(per_field: int, salt: int, names: list[str], *, negative: bool = True) -> list[str]:
    """`per_field` documents for each root field in `names`, the same ones for the same
    seed: left to itself, hypothesis would spend a small budget on a handful of fields.
    A few documents that break the schema on purpose (Mode.NEGATIVE) come last."""
    schema = _schema()
    documents: list[str] = []
    for number, name in enumerate(names):
        strategy = from_schema(
            schema, fields=[name], custom_scalars=CUSTOM_SCALARS, print_ast=_print
        )
        documents += _collect(strategy, per_field, salt * 1000 + number)
    if negative:
        broken = from_schema(
            schema, custom_scalars=CUSTOM_SCALARS, print_ast=_print, mode=Mode.NEGATIVE
        )
        documents += _collect(broken, per_field * 3, salt * 1000 + len(names))
    return documents


def problems(response: httpx.Response) -> list[str]:
    """What is wrong with one answer; empty when it is a proper answer."""
    if response.status_code >= 500:
        return [f"HTTP {response.status_code}: {response.text[:500]}"]
    try:
        body = response.json()
    except ValueError:
        return [f"not JSON (HTTP {response.status_code}): {response.text[:200]}"]
    wrong = []
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if not code:
            wrong.append(f"no code: {error}")
        elif code == "INTERNAL_SERVER_ERROR":
            wrong.append(f"internal: {error}")
    return wrong


async def _content() -> None:
    await topic("youth", "Rinia", "Youth")
    await entry("Lajm", en="News", topics=("youth",))
    await entry("Ngjarje", kind=EntryKind.EVENT)
    await entry("Thirrje", kind=EntryKind.CALL, deadline=datetime.now(UTC) + days(3))
    await entry("Skicë", publish=False)


async def _send(client: httpx.AsyncClient, document: str, headers: dict[str, str]) -> list[str]:
    response = await client.post("/graphql", json={"query": document}, headers=headers)
    return [f"{p}\n  document: {document}" for p in problems(response)]


async def _admin_headers() -> dict[str, str]:
    # An API token: a generated `logout` cannot end it.
    admin = await staff(StaffRole.ADMIN)
    plain, _ = await create_api_token(admin, "fuzz")
    return bearer(plain)


@pytest.mark.parametrize("document", FOUND, ids=range(len(FOUND)))
async def test_documents_that_once_failed(client: httpx.AsyncClient, document: str) -> None:
    await _content()
    for headers in ({}, await _admin_headers()):
        assert await _send(client, document, headers) == []


# Public mutations that write by design (a failed sign-in is audited, a sign-up is
# stored pending); fuzzed anonymously
# for coded answers, but left out of the "changes nothing" run.
WRITES_WHEN_ANONYMOUS = {"login", "subscribe"}

# The seed is in the test's id too, so `pytest -v` and every failure report show it.
RUN = pytest.mark.parametrize("fuzz_seed", [SEED], ids=lambda value: f"seed={value}")


@RUN
async def test_anonymous_fuzzing_changes_nothing(client: httpx.AsyncClient, fuzz_seed: int) -> None:
    print(f"fuzz seed={fuzz_seed} examples={EXAMPLES} per field (FUZZ_SEED, FUZZ_EXAMPLES)")
    await _content()
    before = await snapshot()
    failures: list[str] = []
    names = [name for name in root_fields() if name not in WRITES_WHEN_ANONYMOUS]
    for document in generate(EXAMPLES, salt=0, names=names):
        failures += await _send(client, document, {})
    assert failures == [], f"seed={SEED}\n" + "\n".join(failures)
    assert await snapshot() == before
    writers = sorted(WRITES_WHEN_ANONYMOUS)
    for document in generate(EXAMPLES, salt=2, names=writers, negative=False):
        failures += await _send(client, document, {})
    assert failures == [], f"seed={SEED}\n" + "\n".join(failures)


@RUN
async def test_admin_fuzzing_answers_every_document_with_a_code(
    client: httpx.AsyncClient, fuzz_seed: int
) -> None:
    print(f"fuzz seed={fuzz_seed} examples={EXAMPLES} per field (FUZZ_SEED, FUZZ_EXAMPLES)")
    await _content()
    headers = await _admin_headers()
    failures: list[str] = []
    for document in generate(EXAMPLES, salt=1, names=root_fields()):
        response = await client.post("/graphql", json={"query": document}, headers=headers)
        failures += [f"{p}\n  document: {document}" for p in problems(response)]
        if response.status_code == 401:
            # A generated mutation deactivated or revoked the fuzzing admin: a new one.
            headers = await _admin_headers()
    assert failures == [], f"seed={SEED}\n" + "\n".join(failures)
