"""The public `entries` and `entry` queries answer the docs/architecture.md §4 contract."""

from __future__ import annotations

import httpx

from service.content.enums import EntryKind
from tests.factories import days, entry, gql, now, topic

LIST = """
query List($first: Int, $after: String, $filter: EntryFilter, $locale: String) {
  entries(first: $first, after: $after, filter: $filter, locale: $locale) {
    edges { cursor node { id kind locale title slug } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}
"""


async def titles(client: httpx.AsyncClient, **variables: object) -> list[str]:
    body = await gql(client, LIST, dict(variables))
    assert "errors" not in body, body
    return [edge["node"]["title"] for edge in body["data"]["entries"]["edges"]]


async def test_pagination_walks_every_published_entry_exactly_once(
    client: httpx.AsyncClient,
) -> None:
    same_moment = now() - days(1)
    for i in range(7):
        # Several share one publication time: the cursor must break ties by id.
        await entry(f"Lajm {i}", published_at=same_moment if i % 2 else now() - days(i + 2))
    await entry("Draft", publish=False)

    seen: list[str] = []
    after = None
    while True:
        body = await gql(client, LIST, {"first": 3, "after": after})
        page = body["data"]["entries"]
        seen += [edge["node"]["title"] for edge in page["edges"]]
        assert page["totalCount"] == 7
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert sorted(seen) == sorted(f"Lajm {i}" for i in range(7))
    assert len(seen) == len(set(seen)) == 7


async def test_newest_first(client: httpx.AsyncClient) -> None:
    await entry("Old", published_at=now() - days(10))
    await entry("New", published_at=now() - days(1))
    await entry("Middle", published_at=now() - days(5))
    assert await titles(client) == ["New", "Middle", "Old"]


async def test_drafts_never_appear(client: httpx.AsyncClient) -> None:
    await entry("Public")
    await entry("Secret draft", publish=False)
    assert await titles(client) == ["Public"]
    body = await gql(client, '{ entry(slug: "secret-draft") { title } }')
    assert body["data"]["entry"] is None


async def test_filter_by_kind_and_topic(client: httpx.AsyncClient) -> None:
    await topic("youth", "Të rinjtë", "Youth")
    await topic("grants", "Grante", "Grants")
    await entry("News about youth", topics=("youth",))
    await entry("Youth info day", kind=EntryKind.EVENT, topics=("youth", "grants"))
    await entry("Grant call", kind=EntryKind.CALL, topics=("grants",))

    assert await titles(client, filter={"kinds": ["EVENT"]}) == ["Youth info day"]
    assert sorted(await titles(client, filter={"topics": ["youth"]})) == [
        "News about youth",
        "Youth info day",
    ]
    assert await titles(client, filter={"topics": ["grants"], "kinds": ["CALL"]}) == ["Grant call"]
    assert await titles(client, filter={"topics": ["no-such-topic"]}) == []


async def test_upcoming_events_soonest_first_and_past_ones_apart(
    client: httpx.AsyncClient,
) -> None:
    await entry("Later", kind=EntryKind.EVENT, starts_at=now() + days(20))
    await entry("Soon", kind=EntryKind.EVENT, starts_at=now() + days(2))
    await entry(
        "Running now",
        kind=EntryKind.EVENT,
        starts_at=now() - days(1),
        ends_at=now() + days(1),
        published_at=now() - days(5),
    )
    await entry(
        "Over",
        kind=EntryKind.EVENT,
        starts_at=now() - days(3),
        ends_at=now() - days(2),
        published_at=now() - days(9),
    )
    await entry("Plain news")

    assert await titles(client, filter={"upcoming": True}) == ["Running now", "Soon", "Later"]
    assert await titles(client, filter={"upcoming": False}) == ["Over"]


async def test_open_calls_nearest_deadline_first(client: httpx.AsyncClient) -> None:
    await entry("Far deadline", kind=EntryKind.CALL, deadline=now() + days(30))
    await entry("Near deadline", kind=EntryKind.CALL, deadline=now() + days(3))
    await entry(
        "Not open yet",
        kind=EntryKind.CALL,
        opens_at=now() + days(2),
        deadline=now() + days(10),
    )
    await entry(
        "Closed",
        kind=EntryKind.CALL,
        deadline=now() - days(1),
        published_at=now() - days(20),
    )
    assert await titles(client, filter={"open": True}) == ["Near deadline", "Far deadline"]
    assert await titles(client, filter={"open": False}) == ["Closed"]


async def test_search_matches_title_summary_and_body_in_the_locale_asked_for(
    client: httpx.AsyncClient,
) -> None:
    await entry("Trajnim për integrimin", en="Training on integration")
    await entry("Takim i hapur", body="<p>Me organizatat e shoqërisë civile</p>")
    await entry("Tjetër")
    assert await titles(client, filter={"search": "TRAINING"}, locale="en") == [
        "Training on integration"
    ]
    assert await titles(client, filter={"search": "TRAINING"}) == []
    assert await titles(client, filter={"search": "shoqërisë civile"}) == ["Takim i hapur"]


async def test_entry_falls_back_to_the_default_locale(client: httpx.AsyncClient) -> None:
    await entry("Vetëm shqip")
    body = await gql(
        client,
        """{ entry(slug: "vetem-shqip", locale: "en") {
              locale title slug translations { locale } } }""",
    )
    assert body["data"]["entry"] == {
        "locale": "sq",
        "title": "Vetëm shqip",
        "slug": "vetem-shqip",
        "translations": [{"locale": "sq"}],
    }


async def test_entry_in_english_by_its_albanian_slug(client: httpx.AsyncClient) -> None:
    await entry("Dita informuese", en="Info day", kind=EntryKind.EVENT)
    body = await gql(
        client,
        """{ entry(slug: "dita-informuese", locale: "en") {
              __typename locale title url ... on Event { startsAt }
              translations { locale slug title } } }""",
    )
    found = body["data"]["entry"]
    assert found["__typename"] == "Event"
    assert found["locale"] == "en"
    assert found["title"] == "Info day"
    assert found["url"] == "https://example.org/en/event/info-day"
    assert found["translations"] == [
        {"locale": "sq", "slug": "dita-informuese", "title": "Dita informuese"},
        {"locale": "en", "slug": "info-day", "title": "Info day"},
    ]


async def test_kind_specific_fields(client: httpx.AsyncClient) -> None:
    await entry(
        "Thirrje për grante",
        kind=EntryKind.CALL,
        apply_url="https://example.org/apply",
        budget="EUR 10,000",
    )
    body = await gql(
        client,
        """{ entries { edges { node { __typename
              ... on OpenCall { deadline applyUrl budget isOpen } } } } }""",
    )
    node = body["data"]["entries"]["edges"][0]["node"]
    assert node["__typename"] == "OpenCall"
    assert node["applyUrl"] == "https://example.org/apply"
    assert node["budget"] == "EUR 10,000"
    assert node["isOpen"] is True
    # Shown in the organisation's zone (Europe/Tirane), as an ISO 8601 time with offset.
    assert node["deadline"].endswith(("+01:00", "+02:00"))


async def test_topics_and_locales(client: httpx.AsyncClient) -> None:
    await topic("youth", "Të rinjtë", "Youth")
    await topic("local-government", "Qeverisja vendore")
    body = await gql(client, '{ topics(locale: "en") { slug name locale } locales }')
    assert body["data"]["locales"] == ["sq", "en"]
    assert {t["slug"]: (t["name"], t["locale"]) for t in body["data"]["topics"]} == {
        "youth": ("Youth", "en"),
        "local-government": ("Qeverisja vendore", "sq"),
    }


BY_LOCALE = """query($locale: String) {
  entries(locale: $locale) { edges { node { title locale } } } }"""


async def test_unsupported_locale_is_a_coded_error(client: httpx.AsyncClient) -> None:
    for asked in ("fr", "fr-SQ", "english"):
        body = await gql(client, BY_LOCALE, {"locale": asked})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", asked
        assert body["errors"][0]["extensions"]["reason"] == "UNSUPPORTED_LOCALE", asked


async def test_a_locale_is_a_language_tag_whatever_its_case_or_region(
    client: httpx.AsyncClient,
) -> None:
    # What a site passes on from navigator.language or Accept-Language (RFC 5646).
    await entry("Lajm", en="News")
    for asked in ("EN", "en-GB", "en_US", "En-gb"):
        body = await gql(client, BY_LOCALE, {"locale": asked})
        assert body["data"]["entries"]["edges"] == [{"node": {"title": "News", "locale": "en"}}], (
            asked
        )
    topics = await gql(client, '{ feeds(locale: "SQ-al") { locale } }')
    assert {feed["locale"] for feed in topics["data"]["feeds"]} == {"sq"}


async def test_bad_cursor_is_a_coded_error(client: httpx.AsyncClient) -> None:
    body = await gql(client, '{ entries(after: "not-a-cursor") { edges { cursor } } }')
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_an_event_without_an_end_is_past_once_it_has_started(
    client: httpx.AsyncClient,
) -> None:
    await entry("Started, no end", kind=EntryKind.EVENT, starts_at=now() - days(2 / 24))
    await entry("Starts soon, no end", kind=EntryKind.EVENT, starts_at=now() + days(1))
    await entry(
        "Running",
        kind=EntryKind.EVENT,
        starts_at=now() - days(1),
        ends_at=now() + days(1),
    )
    await entry("Ended", kind=EntryKind.EVENT, starts_at=now() - days(3), ends_at=now() - days(2))

    ahead = await titles(client, filter={"upcoming": True})
    past = await titles(client, filter={"upcoming": False})
    assert ahead == ["Running", "Starts soon, no end"]
    assert past == ["Started, no end", "Ended"]
    # Each event in exactly one of the two lists, searched or not.
    searched_ahead = await titles(client, filter={"upcoming": True, "search": "no end"})
    searched_past = await titles(client, filter={"upcoming": False, "search": "no end"})
    assert (searched_ahead, searched_past) == (["Starts soon, no end"], ["Started, no end"])
