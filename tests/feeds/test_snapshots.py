"""Stored feeds: an older render never overwrites a newer one, and dates only move forward."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.applications import Starlette

from service.feeds import snapshots

NOON = datetime(2026, 5, 4, 12, 0, 0, 250_000, tzinfo=UTC)


async def test_a_render_from_older_content_does_not_overwrite_a_newer_one(
    app: Starlette, db: None
) -> None:
    first, changed = await snapshots.store("sq/all.rss", b"<new/>", [1, 2], NOON, version=7)
    assert changed
    # A job that read the entries before the newest change finishes last: it is refused.
    late, changed = await snapshots.store("sq/all.rss", b"<old/>", [1], NOON, version=6)
    assert not changed
    assert late.body == b"<new/>"
    stored = await snapshots.load("sq/all.rss")
    assert stored is not None
    assert stored.body == b"<new/>"
    assert await snapshots.listing_entry(2) == ["sq/all.rss"]

    newer, changed = await snapshots.store("sq/all.rss", b"<newer/>", [3], NOON, version=8)
    assert changed
    assert newer.etag != first.etag
    assert await snapshots.listing_entry(2) == []


async def test_the_same_bytes_keep_their_etag_and_date_and_a_change_moves_the_date(
    app: Starlette, db: None
) -> None:
    first, _ = await snapshots.store("en/news.atom", b"<a/>", [], NOON, version=1)
    assert first.last_modified == NOON.replace(microsecond=0)
    later = NOON.replace(hour=13)
    same, changed = await snapshots.store("en/news.atom", b"<a/>", [], later, version=2)
    assert not changed
    assert (same.etag, same.last_modified) == (first.etag, first.last_modified)
    # Changed again within the same second: If-Modified-Since must still see a change.
    other, changed = await snapshots.store("en/news.atom", b"<b/>", [], NOON, version=3)
    assert changed
    assert other.last_modified > first.last_modified
