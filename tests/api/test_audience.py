"""The newsletter over GraphQL: the public sign-up, and the staff list, export and erasure."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from service.audience.choices import Choices
from service.audience.enums import DeliveryStatus, DigestFrequency, SubscriberStatus
from service.audience.models import Delivery, Digest, Subscriber
from service.audience.subscriptions import add_active_subscriber
from service.audit.models import AuditEvent
from service.settings import Settings
from service.staff.enums import StaffRole
from tests.api.test_query_counts import count_statements
from tests.factories import bearer, data_rows, gql, now, staff, token_for, topic

SUBSCRIBE = """mutation($input: SubscribeInput!) {
  subscribe(input: $input) { ok errors { field code message } } }"""
LIST = """query($filter: SubscriberFilter, $first: Int!, $after: String) {
  subscribers(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id email status locales topics kinds frequency source
                          consentedAt confirmedAt } }
    pageInfo { hasNextPage endCursor }
    totalCount
    counts { pending active unsubscribed suppressed }
  } }"""


async def subscribe(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"email": "ana@example.org", "locales": ["sq"], **fields}
    body = await gql(client, SUBSCRIBE, {"input": values})
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["subscribe"]
    return payload


async def test_the_answer_is_the_same_for_new_pending_active_and_suppressed_addresses(
    client: httpx.AsyncClient,
) -> None:
    await topic("youth", "Rinia", "Youth")
    new = await subscribe(
        client, locales=["sq", "en"], topics=["youth"], kinds=["EVENT"], frequency="DAILY"
    )
    pending = await subscribe(client)
    row = await Subscriber.get(email="ana@example.org")
    assert row.status is SubscriberStatus.PENDING
    assert (row.source, row.frequency) == ("graphql", DigestFrequency.WEEKLY)
    await Subscriber.filter(id=row.id).update(status=SubscriberStatus.ACTIVE)
    active = await subscribe(client)
    await Subscriber.filter(id=row.id).update(status=SubscriberStatus.SUPPRESSED)
    suppressed = await subscribe(client)
    assert new == pending == active == suppressed == {"ok": True, "errors": []}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"email": "ana@example.org\r\nBcc: everyone@example.org"}, "INVALID_EMAIL"),
        ({"email": "not an address"}, "INVALID_EMAIL"),
        ({"email": "x" * 300 + "@example.org"}, "INVALID_EMAIL"),
        ({"locales": ["fr"]}, "UNSUPPORTED_LOCALE"),
        ({"locales": []}, "REQUIRED"),
        ({"topics": ["no-such-topic"]}, "UNKNOWN_TOPIC"),
        # Longer than any slug can be (the column holds 80): no topic, not a failed query.
        ({"topics": ["t" * 81]}, "UNKNOWN_TOPIC"),
    ],
)
async def test_bad_sign_ups_get_coded_errors_and_store_nothing(
    client: httpx.AsyncClient, fields: dict[str, Any], code: str
) -> None:
    before = await data_rows()
    payload = await subscribe(client, **fields)
    assert payload["ok"] is False
    assert code in [e["code"] for e in payload["errors"]]
    assert await data_rows() == before


async def test_error_messages_quote_bad_input_cut_short(client: httpx.AsyncClient) -> None:
    huge = "x" * 30_000  # two of them fit the 64 KB request limit
    payload = await subscribe(
        client,
        locales=["sq", huge, *(f"l{n}" for n in range(100))],
        topics=[huge, "y" * 80],
    )
    errors = {e["code"]: e["message"] for e in payload["errors"]}
    assert set(errors) == {"UNSUPPORTED_LOCALE", "UNKNOWN_TOPIC"}  # one error for each field
    for message in errors.values():
        assert len(message) < 400, message
        assert "x" * 40 + "…" in message
        assert "x" * 41 not in message
    assert "and 96 more" in errors["UNSUPPORTED_LOCALE"]


async def test_a_nul_character_is_refused_at_the_edge_and_stores_nothing(
    client: httpx.AsyncClient,
) -> None:
    # Every string argument with a NUL is BAD_USER_INPUT before any resolver runs.
    before = await data_rows()
    values = {"email": "ana\u0000@example.org", "locales": ["sq"]}
    body = await gql(client, SUBSCRIBE, {"input": values})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert await data_rows() == before


async def test_one_client_signing_up_too_often_is_told_so(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    for number in range(settings.subscribe_max_per_client):
        assert (await subscribe(client, email=f"p{number}@example.org"))["ok"] is True
    before = await data_rows()
    payload = await subscribe(client, email="late@example.org")
    assert [e["code"] for e in payload["errors"]] == ["RATE_LIMITED"]
    assert await data_rows() == before


async def make_subscribers() -> dict[str, int]:
    ids = {}
    plan = [
        ("ana@example.org", ("sq",), DigestFrequency.WEEKLY, SubscriberStatus.ACTIVE),
        ("john@example.org", ("en",), DigestFrequency.DAILY, SubscriberStatus.ACTIVE),
        ("both@example.org", ("sq", "en"), DigestFrequency.WEEKLY, SubscriberStatus.PENDING),
        ("left@example.org", ("en",), DigestFrequency.WEEKLY, SubscriberStatus.UNSUBSCRIBED),
        ("bounced@example.net", ("sq",), DigestFrequency.WEEKLY, SubscriberStatus.SUPPRESSED),
    ]
    admin = await staff(StaffRole.ADMIN)
    for email, locales, frequency, status in plan:
        row = await add_active_subscriber(
            email, Choices(locales=locales, frequency=frequency), actor=admin, source="demo"
        )
        assert row is not None
        await Subscriber.filter(id=row.id).update(status=status)
        ids[email] = row.id
    return ids


@pytest.mark.usefixtures("db")
async def test_editors_list_subscribers_with_filters_and_counts(
    client: httpx.AsyncClient,
) -> None:
    await make_subscribers()
    editor = bearer(await token_for(await staff(StaffRole.EDITOR)))

    async def page(flt: dict[str, Any] | None, first: int = 20, after: str | None = None) -> Any:
        body = await gql(
            client, LIST, {"filter": flt, "first": first, "after": after}, headers=editor
        )
        assert "errors" not in body, body
        return body["data"]["subscribers"]

    everyone = await page(None)
    assert everyone["totalCount"] == 5
    assert everyone["counts"] == {"pending": 1, "active": 2, "unsubscribed": 1, "suppressed": 1}
    assert everyone["edges"][0]["node"]["email"] == "bounced@example.net"  # newest first

    english = await page({"locale": "en"})
    assert sorted(e["node"]["email"] for e in english["edges"]) == [
        "both@example.org",
        "john@example.org",
        "left@example.org",
    ]
    active_en = await page({"locale": "en", "status": ["ACTIVE"]})
    assert [e["node"]["email"] for e in active_en["edges"]] == ["john@example.org"]
    assert active_en["totalCount"] == 1
    # Counts ignore the status filter, so a tab bar can show every status at once.
    assert active_en["counts"] == {"pending": 1, "active": 1, "unsubscribed": 1, "suppressed": 0}

    daily = await page({"frequency": "DAILY"})
    assert [e["node"]["frequency"] for e in daily["edges"]] == ["DAILY"]
    found = await page({"search": "EXAMPLE.NET"})
    assert [e["node"]["status"] for e in found["edges"]] == ["SUPPRESSED"]

    first_two = await page(None, first=2)
    assert first_two["pageInfo"]["hasNextPage"] is True
    rest = await page(None, first=10, after=first_two["pageInfo"]["endCursor"])
    emails = [e["node"]["email"] for e in first_two["edges"] + rest["edges"]]
    assert len(emails) == len(set(emails)) == 5

    # A cursor works only for its own filter: the active list's would resume another.
    active = await page({"status": ["ACTIVE"]}, first=1)
    more = await page({"status": ["ACTIVE"]}, after=active["pageInfo"]["endCursor"])
    assert [e["node"]["email"] for e in active["edges"] + more["edges"]] == [
        "john@example.org",
        "ana@example.org",
    ]
    for other in (None, {"status": ["PENDING"]}, {"status": ["ACTIVE"], "locale": "sq"}):
        reused = await gql(
            client,
            LIST,
            {"filter": other, "first": 5, "after": active["pageInfo"]["endCursor"]},
            headers=editor,
        )
        assert [e["extensions"]["code"] for e in reused["errors"]] == ["BAD_USER_INPUT"]

    bad = await gql(client, LIST, {"first": 2, "after": "nonsense"}, headers=editor)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # A language not offered matches nobody: said so, rather than an empty list.
    german = await gql(client, LIST, {"filter": {"locale": "de"}, "first": 5}, headers=editor)
    assert german["data"] is None
    [refused] = german["errors"]
    assert refused["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "UNSUPPORTED_LOCALE",
        "field": "filter.locale",
    }
    assert "'de'" in refused["message"]


async def test_authors_cannot_list_subscribers(client: httpx.AsyncClient) -> None:
    author = bearer(await token_for(await staff(StaffRole.AUTHOR)))
    body = await gql(client, LIST, {"first": 5}, headers=author)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await gql(client, LIST, {"first": 5})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    ids = await make_subscribers()
    export = await gql(
        client,
        "query($id: ID!) { subscriberExport(id: $id) }",
        {"id": str(ids["ana@example.org"])},
        headers=author,
    )
    assert export["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not await AuditEvent.filter(action="subscriber.exported").exists()


async def test_the_list_costs_the_same_statements_for_5_and_40_subscribers(
    client: httpx.AsyncClient,
) -> None:
    editor = bearer(await token_for(await staff(StaffRole.EDITOR)))
    admin = await staff(StaffRole.ADMIN)

    async def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            await add_active_subscriber(
                f"s{number}@example.org", Choices(locales=("sq",)), actor=admin, source="demo"
            )

    async def statements(first: int) -> int:
        with count_statements() as seen:
            body = await gql(client, LIST, {"first": first}, headers=editor)
        assert len(body["data"]["subscribers"]["edges"]) == first
        return len(seen)

    await add(5, 0)
    few = await statements(5)
    await add(35, 5)
    assert await statements(40) == few


async def test_export_holds_the_row_and_every_delivery_and_is_audited(
    client: httpx.AsyncClient,
) -> None:
    ids = await make_subscribers()
    editor_row = await staff(StaffRole.EDITOR)
    editor = bearer(await token_for(editor_row))
    digest = await Digest.create(
        frequency=DigestFrequency.WEEKLY,
        period_start=now() - timedelta(days=7),
        period_end=now(),
        content={"news": [1]},
    )
    await Delivery.create(
        digest=digest, subscriber_id=ids["ana@example.org"], status=DeliveryStatus.ACCEPTED
    )
    body = await gql(
        client,
        "query($id: ID!) { subscriberExport(id: $id) }",
        {"id": str(ids["ana@example.org"])},
        headers=editor,
    )
    exported = body["data"]["subscriberExport"]
    assert exported["subscriber"]["email"] == "ana@example.org"
    assert exported["subscriber"]["consent"]["source"] == "demo"
    assert [d["status"] for d in exported["deliveries"]] == ["accepted"]
    assert exported["deliveries"][0]["digest"]["id"] == digest.id
    assert await AuditEvent.filter(action="subscriber.exported", actor_id=editor_row.id).exists()

    missing = await gql(client, "query { subscriberExport(id: 999999) }", headers=editor)
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_erasure_deletes_the_row_and_its_deliveries_and_logs_no_address(
    client: httpx.AsyncClient,
) -> None:
    ids = await make_subscribers()
    editor = bearer(await token_for(await staff(StaffRole.EDITOR)))
    digest = await Digest.create(
        frequency=DigestFrequency.WEEKLY, period_start=now() - timedelta(days=7), period_end=now()
    )
    await Delivery.create(digest=digest, subscriber_id=ids["ana@example.org"])
    await Delivery.create(digest=digest, subscriber_id=ids["john@example.org"])
    body = await gql(
        client,
        "mutation($id: ID!) { eraseSubscriber(id: $id) { erasedId errors { code } } }",
        {"id": str(ids["ana@example.org"])},
        headers=editor,
    )
    assert body["data"]["eraseSubscriber"] == {
        "erasedId": str(ids["ana@example.org"]),
        "errors": [],
    }
    assert not await Subscriber.filter(email="ana@example.org").exists()
    assert await Delivery.all().count() == 1  # John's stays
    event = await AuditEvent.get(action="subscriber.erased")
    assert event.target == f"subscriber:{ids['ana@example.org']}"
    assert "ana@example.org" not in str(event.details)
