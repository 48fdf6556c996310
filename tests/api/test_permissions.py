"""Every staff-only mutation, called by someone who may not: refused with the right code,
and the database is exactly as it was.

The table is the contract: add a `Case` for each new mutation (a test fails when one is
missing). `min_role` says who may call it; every role below it, anonymous callers and
bad tokens are refused. `also_refused` adds callers refused for other reasons, e.g.
`Caller.OTHER_AUTHOR` on an entry that belongs to `world.author`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, parse
from tortoise import Tortoise

from service.api.schema import build_schema
from service.settings import Settings
from service.staff.actions import create_api_token, logout
from service.staff.enums import StaffRole
from service.staff.models import StaffUser
from service.staff.roles import ROLE_RANK
from tests.conftest import DATA_TABLES
from tests.factories import bearer, expired_token_for, gql, staff, token_for

# Mutations anyone may call. Everything else in `Mutation` must have a case below.
PUBLIC_MUTATIONS = {"login"}
# Columns that authenticated reads may touch (at most once a minute); nothing else may move.
TOUCHED_BY_READS = {"last_seen_at", "last_used_at"}


class Caller(Enum):
    ANONYMOUS = "anonymous"
    EXPIRED = "expired-token"
    REVOKED = "revoked-token"
    NOT_A_TOKEN = "not-a-token"
    AUTHOR = "author"
    EDITOR = "editor"
    ADMIN = "admin"
    OTHER_AUTHOR = "other-author"

    @property
    def expected_code(self) -> str:
        signed_in = {Caller.AUTHOR, Caller.EDITOR, Caller.ADMIN, Caller.OTHER_AUTHOR}
        return "FORBIDDEN" if self in signed_in else "UNAUTHENTICATED"


ROLE_CALLERS = {
    StaffRole.AUTHOR: Caller.AUTHOR,
    StaffRole.EDITOR: Caller.EDITOR,
    StaffRole.ADMIN: Caller.ADMIN,
}


@dataclass
class World:
    """What the cases act on, made fresh for each test. Extend it for new cases."""

    admin: StaffUser
    editor: StaffUser
    author: StaffUser
    other_author: StaffUser
    target: StaffUser  # the staff member admin mutations change
    api_token_id: int
    headers: dict[Caller, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    name: str
    document: str
    variables: Callable[[World], dict[str, Any]] = lambda world: {}
    min_role: StaffRole = StaffRole.AUTHOR
    also_refused: tuple[Caller, ...] = ()

    def refused(self) -> list[Caller]:
        below = [
            caller
            for role, caller in ROLE_CALLERS.items()
            if ROLE_RANK[role] < ROLE_RANK[self.min_role]
        ]
        return [
            Caller.ANONYMOUS,
            Caller.EXPIRED,
            Caller.REVOKED,
            Caller.NOT_A_TOKEN,
            *below,
            *self.also_refused,
        ]

    @property
    def allowed(self) -> Caller:
        return ROLE_CALLERS[self.min_role]


CASES = [
    Case("logout", "mutation { logout }"),
    Case(
        "updateMe",
        """mutation($input: UpdateMeInput!) {
             updateMe(input: $input) { staff { name } errors { code } } }""",
        lambda w: {"input": {"name": "Changed", "locale": "en", "notifyOn": ["NEWS"]}},
    ),
    Case(
        "createStaff",
        """mutation($input: CreateStaffInput!) {
             createStaff(input: $input) { staff { id } errors { code } } }""",
        lambda w: {
            "input": {
                "email": "new@example.org",
                "name": "New",
                "role": "ADMIN",
                "password": "a long enough password",
            }
        },
        min_role=StaffRole.ADMIN,
    ),
    Case(
        "updateStaff",
        """mutation($id: ID!, $input: UpdateStaffInput!) {
             updateStaff(id: $id, input: $input) { staff { role } errors { code } } }""",
        lambda w: {"id": str(w.target.id), "input": {"role": "ADMIN", "isActive": False}},
        min_role=StaffRole.ADMIN,
    ),
    Case(
        "createApiToken",
        """mutation($name: String!) {
             createApiToken(name: $name) { token apiToken { id } errors { code } } }""",
        lambda w: {"name": "Build server"},
        min_role=StaffRole.ADMIN,
    ),
    Case(
        "revokeApiToken",
        """mutation($id: ID!) {
             revokeApiToken(id: $id) { apiToken { revoked } errors { code } } }""",
        lambda w: {"id": str(w.api_token_id)},
        min_role=StaffRole.ADMIN,
    ),
]


def root_field(document: str) -> str:
    operation = parse(document).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    first = operation.selection_set.selections[0]
    return first.name.value  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
async def world(db: None) -> World:
    admin = await staff(StaffRole.ADMIN)
    made = World(
        admin=admin,
        editor=await staff(StaffRole.EDITOR),
        author=await staff(StaffRole.AUTHOR),
        other_author=await staff(StaffRole.AUTHOR),
        target=await staff(StaffRole.AUTHOR, name="Target"),
        api_token_id=(await create_api_token(admin, "Preview"))[1].id,
    )
    revoked = await token_for(admin)
    await logout(revoked)
    made.headers = {
        Caller.ANONYMOUS: {},
        # The admin's own tokens: expiry or revocation is the only reason to refuse them.
        Caller.EXPIRED: bearer(await expired_token_for(admin)),
        Caller.REVOKED: bearer(revoked),
        Caller.NOT_A_TOKEN: {"Authorization": "Basic YWRtaW46YWRtaW4="},
        Caller.AUTHOR: bearer(await token_for(made.author)),
        Caller.EDITOR: bearer(await token_for(made.editor)),
        Caller.ADMIN: bearer(await token_for(admin)),
        Caller.OTHER_AUTHOR: bearer(await token_for(made.other_author)),
    }
    return made


async def snapshot() -> dict[str, list[str]]:
    """Every row of every data table (the audit log too), less what reads may touch."""
    conn = Tortoise.get_connection("default")
    tables: dict[str, list[str]] = {}
    for table in DATA_TABLES:
        rows = await conn.execute_query_dict(f"SELECT * FROM {table}")
        tables[table] = sorted(
            repr(sorted((k, v) for k, v in row.items() if k not in TOUCHED_BY_READS))
            for row in rows
        )
    return tables


REFUSALS = [
    pytest.param(case, caller, id=f"{case.name}-{caller.value}")
    for case in CASES
    for caller in case.refused()
]


@pytest.mark.parametrize(("case", "caller"), REFUSALS)
async def test_a_refused_call_changes_nothing(
    client: httpx.AsyncClient, world: World, case: Case, caller: Caller
) -> None:
    before = await snapshot()
    body = await gql(client, case.document, case.variables(world), headers=world.headers[caller])
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == [caller.expected_code]
    assert await snapshot() == before


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
async def test_the_least_role_allowed_gets_through(
    client: httpx.AsyncClient, world: World, case: Case
) -> None:
    # The control: the documents and variables above are right, so refusals mean refusals.
    body = await gql(
        client, case.document, case.variables(world), headers=world.headers[case.allowed]
    )
    assert "errors" not in body, body
    payload = body["data"][root_field(case.document)]
    if isinstance(payload, dict):
        assert payload.get("errors", []) == [], payload


def test_every_mutation_has_a_case() -> None:
    mutation = build_schema(Settings(debug=True))._schema.mutation_type
    assert mutation is not None
    names = set(mutation.fields)
    covered = {root_field(case.document) for case in CASES}
    assert names - PUBLIC_MUTATIONS == covered
