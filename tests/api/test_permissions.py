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
from service.audience.choices import Choices
from service.audience.subscriptions import add_active_subscriber
from service.content.actions import EntryData, TranslationData, create_entry
from service.content.enums import EntryKind
from service.content.models import Revision
from service.settings import Settings, get_settings
from service.staff.actions import create_api_token, logout
from service.staff.enums import StaffRole
from service.staff.models import StaffUser
from service.staff.roles import ROLE_RANK
from tests.conftest import data_tables
from tests.factories import (
    PASSWORD,
    bearer,
    days,
    entry,
    expired_token_for,
    gql,
    now,
    staff,
    token_for,
    topic,
)

# Mutations anyone may call. Everything else in `Mutation` must have a case below.
PUBLIC_MUTATIONS = {"login", "subscribe"}
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


BAD_TOKENS = {Caller.EXPIRED, Caller.REVOKED, Caller.NOT_A_TOKEN}

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
    draft_id: int = 0  # an event, a draft of `author`'s
    published_id: int = 0  # a published news article
    revision_id: int = 0  # the draft's first revision
    subscriber_id: int = 0  # an active newsletter subscriber
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
        lambda w: {"input": {"name": "Changed", "locale": "en", "notifyOn": ["CALL"]}},
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
        "changePassword",
        """mutation($current: String!, $new: String!) {
             changePassword(currentPassword: $current, newPassword: $new) {
               staff { id } errors { code } } }""",
        lambda w: {"current": PASSWORD, "new": "another long password"},
    ),
    Case(
        "setStaffPassword",
        """mutation($id: ID!, $password: String!) {
             setStaffPassword(id: $id, password: $password) { staff { id } errors { code } } }""",
        lambda w: {"id": str(w.target.id), "password": "another long password"},
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
    Case(
        "createEntry",
        """mutation($input: CreateEntryInput!) {
             createEntry(input: $input) { entry { id } errors { code } } }""",
        lambda w: {"input": {"kind": "NEWS", "translations": [{"locale": "sq", "title": "Re"}]}},
    ),
    Case(
        "updateEntry",
        """mutation($id: ID!, $input: UpdateEntryInput!) {
             updateEntry(id: $id, input: $input) { entry { id } errors { code } } }""",
        lambda w: {"id": str(w.draft_id), "input": {"venue": "Tiranë", "topics": ["youth"]}},
        also_refused=(Caller.OTHER_AUTHOR,),
    ),
    Case(
        "submitEntry",
        "mutation($id: ID!) { submitEntry(id: $id) { entry { id } errors { code } } }",
        lambda w: {"id": str(w.draft_id)},
        also_refused=(Caller.OTHER_AUTHOR,),
    ),
    Case(
        "publishEntry",
        "mutation($id: ID!) { publishEntry(id: $id) { entry { id } errors { code } } }",
        lambda w: {"id": str(w.draft_id)},
        min_role=StaffRole.EDITOR,
    ),
    Case(
        "scheduleEntry",
        """mutation($id: ID!, $at: DateTime!) {
             scheduleEntry(id: $id, publishAt: $at) { entry { id } errors { code } } }""",
        lambda w: {"id": str(w.draft_id), "at": (now() + days(1)).isoformat()},
        min_role=StaffRole.EDITOR,
    ),
    Case(
        "unpublishEntry",
        "mutation($id: ID!) { unpublishEntry(id: $id) { entry { id } errors { code } } }",
        lambda w: {"id": str(w.published_id)},
        min_role=StaffRole.EDITOR,
    ),
    Case(
        "archiveEntry",
        "mutation($id: ID!) { archiveEntry(id: $id) { entry { id } errors { code } } }",
        lambda w: {"id": str(w.published_id)},
        min_role=StaffRole.EDITOR,
    ),
    Case(
        "deleteEntry",
        "mutation($id: ID!) { deleteEntry(id: $id) { deletedId errors { code } } }",
        lambda w: {"id": str(w.draft_id)},
        also_refused=(Caller.OTHER_AUTHOR,),
    ),
    Case(
        "restoreRevision",
        "mutation($id: ID!) { restoreRevision(id: $id) { entry { id } errors { code } } }",
        lambda w: {"id": str(w.revision_id)},
        also_refused=(Caller.OTHER_AUTHOR,),
    ),
    Case(
        "createTopic",
        """mutation($input: TopicInput!) {
             createTopic(input: $input) { topic { slug } errors { code } } }""",
        lambda w: {"input": {"slug": "grants", "names": [{"locale": "sq", "name": "Grante"}]}},
        min_role=StaffRole.EDITOR,
    ),
    Case(
        "updateTopic",
        """mutation($names: [TopicNameInput!]!) {
             updateTopic(slug: "youth", names: $names) { topic { name } errors { code } } }""",
        lambda w: {"names": [{"locale": "en", "name": "Young people"}]},
        min_role=StaffRole.EDITOR,
    ),
    Case(
        "deleteTopic",
        'mutation { deleteTopic(slug: "youth") { deletedId errors { code } } }',
        min_role=StaffRole.EDITOR,
    ),
    Case(
        "eraseSubscriber",
        "mutation($id: ID!) { eraseSubscriber(id: $id) { erasedId errors { code } } }",
        lambda w: {"id": str(w.subscriber_id)},
        min_role=StaffRole.EDITOR,
    ),
    Case(
        "sendDigestNow",
        "mutation { sendDigestNow(frequency: WEEKLY) { digest { id status } errors { code } } }",
        min_role=StaffRole.EDITOR,
    ),
    Case(
        "sendTestDigest",
        """mutation { sendTestDigest(frequency: DAILY, locales: ["sq", "en"],
             email: "proof@example.org") { errors { code } } }""",
        min_role=StaffRole.EDITOR,
    ),
    Case(
        "createPreviewToken",
        "mutation($id: ID!) { createPreviewToken(id: $id) { token errors { code } } }",
        lambda w: {"id": str(w.draft_id)},
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
    await topic("youth", "Rinia", "Youth")
    draft = await create_entry(
        EntryData(
            kind=EntryKind.EVENT,
            translations=[TranslationData("sq", "Skica e autorit")],
            starts_at=now() + days(10),
        ),
        actor=made.author,
        settings=get_settings(),
    )
    made.draft_id = draft.id
    made.published_id = (await entry("Lajm i publikuar")).id
    first = await Revision.get(entry_id=draft.id, number=1)
    made.revision_id = first.id
    subscriber = await add_active_subscriber(
        "reader@example.org", Choices(locales=("sq",)), actor=admin, source="demo"
    )
    assert subscriber is not None
    made.subscriber_id = subscriber.id
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
    for table in data_tables():
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
    response = await client.post(
        "/graphql",
        json={"query": case.document, "variables": case.variables(world)},
        headers=world.headers[caller],
    )
    # A token that is not valid refuses the whole request (401), never runs it as anonymous.
    assert response.status_code == (401 if caller in BAD_TOKENS else 200), response.text
    body = response.json()
    assert body.get("data") is None
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
