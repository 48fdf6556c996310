"""GET /feeds/...: content types, cache headers, 304s, 404s, and a feed rendered on demand."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import httpx
import pytest

from service.feeds.models import FeedSnapshot
from service.feeds.snapshots import Snapshot
from service.feeds.streams import FeedFormat, FeedKey, Stream
from service.web.feeds import FeedMemory, HeldFeed
from tests.factories import entry, topic


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/feeds/sq/all.rss", "application/rss+xml; charset=utf-8"),
        ("/feeds/en/news.atom", "application/atom+xml; charset=utf-8"),
        ("/feeds/sq/calls.json", "application/feed+json; charset=utf-8"),
        ("/feeds/en/events.ics", "text/calendar; charset=utf-8"),
        ("/feeds/sq/topics/youth.rss", "application/rss+xml; charset=utf-8"),
    ],
)
async def test_a_feed_comes_with_its_type_and_cache_headers(
    client: httpx.AsyncClient, path: str, content_type: str
) -> None:
    await topic("youth", "Të rinjtë", "Youth")
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["etag"].startswith('"')
    parsedate_to_datetime(response.headers["last-modified"])


async def test_a_missing_feed_is_rendered_on_demand_and_stored(client: httpx.AsyncClient) -> None:
    await entry("Lajm për Vlorën", en="News from Vlorë")
    assert await FeedSnapshot.all().count() == 0
    response = await client.get("/feeds/en/news.rss")
    assert response.status_code == 200
    assert "News from Vlorë" in response.text
    # The whole stream went in, in every language and format, so its twins are there too.
    stored = set(await FeedSnapshot.all().values_list("path", flat=True))
    assert {"en/news.rss", "en/news.atom", "en/news.json", "sq/news.rss"} <= stored
    again = await client.get("/feeds/en/news.rss")
    assert again.content == response.content
    assert again.headers["etag"] == response.headers["etag"]


async def test_matching_conditional_gets_are_answered_304_without_a_body(
    client: httpx.AsyncClient,
) -> None:
    await entry("Lajm")
    first = await client.get("/feeds/sq/all.atom")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    later = format_datetime(parsedate_to_datetime(modified) + timedelta(hours=1), usegmt=True)
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(hours=1), usegmt=True)

    for headers in (
        {"if-none-match": etag},
        {"if-none-match": f'"other", W/{etag}'},
        {"if-none-match": "*"},
        {"if-modified-since": modified},
        {"if-modified-since": later},
    ):
        response = await client.get("/feeds/sq/all.atom", headers=headers)
        assert response.status_code == 304, headers
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"] == "public, max-age=60"

    for headers in (
        {"if-none-match": '"something-else"'},
        # If-None-Match decides when both come (RFC 9110 §13.2.2).
        {"if-none-match": '"something-else"', "if-modified-since": later},
        {"if-modified-since": earlier},
        {"if-modified-since": "not a date"},
    ):
        response = await client.get("/feeds/sq/all.atom", headers=headers)
        assert response.status_code == 200, headers
        assert response.content == first.content


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/de/all.rss",  # a locale the site does not have
        "/feeds/sq/everything.rss",
        "/feeds/sq/all.xml",
        "/feeds/sq/all",
        "/feeds/sq/.rss",
        "/feeds/sq/news.ics",  # calendars are events and calls only
        "/feeds/sq/topics/no-such-topic.rss",
        "/feeds/sq/topics/youth.ics",
        "/feeds/sq/topics/youth",
        "/feeds/sq",
    ],
)
async def test_unknown_feeds_are_404_with_a_short_body(
    client: httpx.AsyncClient, path: str
) -> None:
    await topic("youth", "Të rinjtë", "Youth")
    response = await client.get(path)
    assert response.status_code == 404
    assert len(response.text) < 40
    assert await FeedSnapshot.filter(path__contains="no-such").count() == 0


async def test_head_answers_the_headers_alone(client: httpx.AsyncClient) -> None:
    response = await client.head("/feeds/sq/all.rss")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["etag"]


def test_a_process_holds_a_feed_for_its_memory_seconds_only() -> None:
    clock = [100.0]
    memory = FeedMemory(2.0, clock=lambda: clock[0])
    snapshot = Snapshot("sq/all.rss", b"<rss/>", '"e"', parsedate_to_datetime(_DATE))
    name = ("sq", "all.rss", False)
    key = FeedKey("sq", Stream("all"), FeedFormat.RSS)
    memory.keep(name, HeldFeed(key, snapshot, {}, clock[0] + memory.seconds))
    assert memory.get(name) is not None
    clock[0] += 1.9
    assert memory.get(name) is not None
    clock[0] += 0.2
    assert memory.get(name) is None

    off = FeedMemory(0.0, clock=lambda: clock[0])
    off.keep(name, HeldFeed(key, snapshot, {}, clock[0]))
    assert off.held == {}


_DATE = "Tue, 01 Dec 2026 10:00:00 GMT"
