"""The public `feeds` query: every feed, so frontends can put <link rel="alternate"> tags."""

from __future__ import annotations

import httpx

from tests.factories import gql, topic
from tests.feeds.helpers import FEEDS, feed_list


async def test_feeds_lists_every_feed_of_a_locale(client: httpx.AsyncClient) -> None:
    await topic("youth", "Të rinjtë", "Youth")
    feeds = await feed_list(client, "sq")
    assert {feed["locale"] for feed in feeds} == {"sq"}
    formats = ("rss", "atom", "json")
    streams = [(name, fmt) for name in ("all", "news", "events", "calls") for fmt in formats]
    calendars = [("events", "ics"), ("calls", "ics")]
    topics = [("youth", fmt) for fmt in formats]
    assert [(f["stream"], f["format"]) for f in feeds] == [*streams, *calendars, *topics]
    by_url = {feed["url"]: feed for feed in feeds}
    assert by_url["http://127.0.0.1:8000/feeds/sq/news.atom"]["title"] == "Buletin — Lajme"
    assert by_url["http://127.0.0.1:8000/feeds/sq/topics/youth.rss"]["title"] == (
        "Buletin — Të rinjtë"
    )
    assert by_url["http://127.0.0.1:8000/feeds/sq/calls.ics"]["format"] == "ics"


async def test_every_listed_feed_answers(client: httpx.AsyncClient) -> None:
    await topic("youth", "Të rinjtë", "Youth")
    feeds = await feed_list(client)
    assert {feed["locale"] for feed in feeds} == {"sq", "en"}
    english = {feed["url"]: feed["title"] for feed in feeds if feed["locale"] == "en"}
    assert english["http://127.0.0.1:8000/feeds/en/topics/youth.json"] == "Buletin — Youth"
    for feed in feeds:
        response = await client.get(feed["url"].removeprefix("http://127.0.0.1:8000"))
        assert response.status_code == 200, feed["url"]


async def test_an_unknown_locale_is_bad_input(client: httpx.AsyncClient) -> None:
    body = await gql(client, FEEDS, {"locale": "de"})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
