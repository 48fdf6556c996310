"""Cursors: opaque, bound to their list, and a forged one is BAD_USER_INPUT for every list."""

from __future__ import annotations

import base64

import httpx
import pytest

from service.staff.enums import StaffRole
from tests.factories import bearer, days, entry, gql, now, staff, token_for


def forged(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


FORGED = [
    "not-a-cursor",
    forged("entry|2026-01-01T00:00:00+00:00|99999999999"),  # an id above int32
    forged("entry|2026-01-01T00:00:00+00:00|0"),
    forged("entry|9999-12-31T23:59:59+00:00|1"),  # a date past what is ever stored
    forged("entry|0001-01-01T00:00:00+01:00|1"),  # one that overflows in UTC
    forged("entry|2026-01-01T00:00:00|1"),  # no offset
    forged("entry|2026-01-01T00:00:00+00:00|-5"),
    forged("audit||12"),  # made for another list
    forged("entry|x" * 100),
    "é" * 300,
]


@pytest.mark.parametrize("cursor", FORGED)
async def test_a_forged_entries_cursor_is_bad_user_input(
    client: httpx.AsyncClient, cursor: str
) -> None:
    await entry("Lajm")
    body = await gql(
        client, "query($a: String) { entries(after: $a) { edges { cursor } } }", {"a": cursor}
    )
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]


async def test_a_cursor_walks_on_and_an_entries_cursor_is_refused_by_the_audit_log(
    client: httpx.AsyncClient,
) -> None:
    for title in ("Një", "Dy", "Tre"):
        await entry(title)
    first = await gql(client, "{ entries(first: 2) { edges { cursor } pageInfo { endCursor } } }")
    end = first["data"]["entries"]["pageInfo"]["endCursor"]
    rest = await gql(
        client, "query($a: String) { entries(after: $a) { edges { cursor } } }", {"a": end}
    )
    assert len(rest["data"]["entries"]["edges"]) == 1

    admin = await token_for(await staff(StaffRole.ADMIN))
    audit = await gql(
        client,
        "query($a: String) { auditLog(after: $a) { edges { cursor } } }",
        {"a": end},
        headers=bearer(admin),
    )
    assert [e["extensions"]["code"] for e in audit["errors"]] == ["BAD_USER_INPUT"]


async def test_a_staff_list_of_drafts_and_published_entries_pages_through_all(
    client: httpx.AsyncClient,
) -> None:
    # Drafts never published have no publication time to resume after.
    editor = await token_for(await staff(StaffRole.EDITOR))
    for i in range(3):
        await entry(f"Draft {i}", publish=False)
        await entry(f"Lajm {i}", published_at=now() - days(i))
    query = """query($a: String) {
      entries(after: $a, first: 1, filter: {status: [DRAFT, PUBLISHED]}) {
        edges { node { title } } pageInfo { endCursor } } }"""
    seen: list[str] = []
    after = None
    for _ in range(8):
        body = await gql(client, query, {"a": after}, headers=bearer(editor))
        seen += [edge["node"]["title"] for edge in body["data"]["entries"]["edges"]]
        after = body["data"]["entries"]["pageInfo"]["endCursor"]
        if after is None:
            break
    assert sorted(seen) == sorted(f"{kind} {i}" for kind in ("Draft", "Lajm") for i in range(3))
