"""Cursors: opaque, bound to their list, and a forged one is BAD_USER_INPUT for every list."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from service.content.enums import EntryKind
from service.staff.enums import StaffRole
from tests.factories import bearer, codes, days, entry, gql, now, staff, token_for


def forged(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# "{kind}" is the kind the plain entries list writes: each forgery fails for its own reason.
FORGED = [
    "not-a-cursor",
    "{kind}|2026-01-01T00:00:00+00:00|99999999999",  # an id above int32
    "{kind}|2026-01-01T00:00:00+00:00|0",
    "{kind}|9999-12-31T23:59:59+00:00|1",  # a date past what is ever stored
    "{kind}|0001-01-01T00:00:00+01:00|1",  # one that overflows in UTC
    "{kind}|2026-01-01T00:00:00|1",  # no offset
    "{kind}|2026-01-01T00:00:00+00:00|-5",
    "entry|2026-01-01T00:00:00+00:00|1",  # a kind without its list's scope
    "audit||12",  # made for another list
    "{kind}|x" * 100,
    "é" * 300,
]
LIST = """query($a: String, $f: EntryFilter, $n: Int) {
  entries(after: $a, filter: $f, first: $n) {
    edges { cursor node { title } } pageInfo { endCursor } } }"""


def opened(cursor: str) -> str:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()


async def page(
    client: httpx.AsyncClient, token: str | None = None, **variables: object
) -> dict[str, Any]:
    return await gql(client, LIST, dict(variables), headers=bearer(token) if token else None)


def titles(body: dict[str, Any]) -> list[str]:
    assert "errors" not in body, body
    return [edge["node"]["title"] for edge in body["data"]["entries"]["edges"]]


def end(body: dict[str, Any]) -> str:
    cursor: str = body["data"]["entries"]["pageInfo"]["endCursor"]
    return cursor


def refused(body: dict[str, Any]) -> bool:
    return body["data"] is None and codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("template", FORGED)
async def test_a_forged_entries_cursor_is_bad_user_input(
    client: httpx.AsyncClient, template: str
) -> None:
    await entry("Lajm")
    kind = opened(end(await page(client, n=1))).split("|")[0]
    cursor = template if template == "not-a-cursor" else forged(template.replace("{kind}", kind))
    assert refused(await page(client, a=cursor))


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


async def test_a_cursor_works_only_for_the_filter_and_order_that_gave_it_out(
    client: httpx.AsyncClient,
) -> None:
    for i in range(3):
        await entry(f"Ngjarje {i}", kind=EntryKind.EVENT, starts_at=now() + days(i + 1))
        await entry(f"Lajm {i}", published_at=now() - days(i))
    upcoming = await page(client, f={"upcoming": True}, n=2)
    assert titles(upcoming) == ["Ngjarje 0", "Ngjarje 1"]
    # The same list pages on, whatever order its filter was written in.
    same = {"upcoming": True, "kinds": ["EVENT", "NEWS"]}
    first = await page(client, f=same, n=2)
    assert titles(await page(client, f=same, a=end(first))) == ["Ngjarje 2"]
    swapped = {"kinds": ["NEWS", "EVENT", "NEWS"], "upcoming": True}
    assert titles(await page(client, f=swapped, a=end(first))) == ["Ngjarje 2"]
    assert titles(await page(client, f={"upcoming": True}, a=end(upcoming))) == ["Ngjarje 2"]
    # Ordered by start, not by publication: another list would quietly give page one again.
    for other in (None, {"upcoming": False}, {"kinds": ["EVENT"]}, {"open": True}):
        assert refused(await page(client, f=other, a=end(upcoming)))


async def test_a_search_cursor_works_only_for_its_own_words(client: httpx.AsyncClient) -> None:
    for i in range(3):
        await entry(f"Bashkia {i}", en=f"Municipal {i}", published_at=now() - days(i))
    bashki = await page(client, f={"search": "bashki"}, n=2)
    assert titles(bashki) == ["Bashkia 0", "Bashkia 1"]
    assert titles(await page(client, f={"search": "BASHKI"}, a=end(bashki))) == ["Bashkia 2"]
    for other in ({"search": "municipal"}, {"search": "bashkia"}, None):
        assert refused(await page(client, f=other, a=end(bashki)))


async def test_a_staff_cursor_works_only_for_its_statuses(client: httpx.AsyncClient) -> None:
    editor = await token_for(await staff(StaffRole.EDITOR))
    for i in range(3):
        await entry(f"Draft {i}", publish=False)
    await entry("Public")
    drafts = await page(client, editor, f={"status": ["DRAFT"]}, n=2)
    assert len(titles(drafts)) == 2
    more = await page(client, editor, f={"status": ["DRAFT"]}, a=end(drafts))
    assert len(titles(more)) == 1
    assert refused(await page(client, editor, f={"status": ["PUBLISHED"]}, a=end(drafts)))
    # The public's status filter is ignored: a staff cursor is another list's to them.
    assert refused(await page(client, f={"status": ["DRAFT"]}, a=end(drafts)))


async def test_a_staff_list_of_drafts_and_published_entries_pages_through_all(
    client: httpx.AsyncClient,
) -> None:
    # Drafts never published have no publication time to resume after.
    editor = await token_for(await staff(StaffRole.EDITOR))
    for i in range(3):
        await entry(f"Draft {i}", publish=False)
        await entry(f"Lajm {i}", published_at=now() - days(i))
    both = {"status": ["DRAFT", "PUBLISHED"]}
    seen: list[str] = []
    after = None
    for _ in range(8):
        body = await page(client, editor, f=both, n=1, a=after)
        seen += titles(body)
        after = end(body)
        if after is None:
            break
    assert sorted(seen) == sorted(f"{kind} {i}" for kind in ("Draft", "Lajm") for i in range(3))
