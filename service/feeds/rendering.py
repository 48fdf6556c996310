"""Rendering feeds into snapshots: the ones an entry touches, all of them, or one on demand.

A stream is read once and rendered for every locale and format; a calendar is synced
once (what it listed, what was cancelled) and rendered for every locale.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from service.content.actions import read_content_version
from service.content.enums import EntryStatus
from service.feeds import calendars, entries, snapshots
from service.feeds.items import TAG_DATE, authority, feed_item
from service.feeds.snapshots import Rendered, Snapshot
from service.feeds.streams import (
    CALENDAR_KINDS,
    CALENDAR_OF_KIND,
    NAMED_STREAMS,
    STREAM_OF_KIND,
    SYNDICATION_FORMATS,
    FeedKey,
    Stream,
    calendar_key,
    feed_title,
    feed_url,
    key_of_path,
    stream_keys,
)
from service.feeds.syndication import RENDERERS, FeedMeta
from service.settings import Settings

log = logging.getLogger("buletin.feeds")
TopicNames = Mapping[str, Mapping[str, str]]


@dataclass
class Outcome:
    """What a refresh did: feeds whose bytes changed, and those rendered the same."""

    changed: list[str] = field(default_factory=list)
    unchanged: int = 0


def home_url(settings: Settings) -> str:
    parts = urlsplit(settings.frontend_url)
    return f"{parts.scheme}://{parts.netloc}/"


def _meta(stream: Stream, locale: str, settings: Settings, topics: TopicNames) -> FeedMeta:
    keys = stream_keys(stream, locale)
    title = feed_title(keys[0], settings, topics.get(stream.name) if stream.topic else None)
    return FeedMeta(
        id=f"tag:{authority(settings.public_base_url)},{TAG_DATE}:{locale}/{stream.path_part}",
        locale=locale,
        title=title,
        description=title,
        author=settings.site_name,
        home_url=home_url(settings),
        urls={key.format: feed_url(key, settings) for key in keys},
        twins={
            other: {key.format: feed_url(key, settings) for key in stream_keys(stream, other)}
            for other in settings.locales
            if other != locale
        },
    )


async def render_stream(
    stream: Stream, settings: Settings, now: datetime, topics: TopicNames
) -> dict[FeedKey, Rendered]:
    topic = stream.name if stream.topic else None
    version = await read_content_version()
    found = await entries.newest(stream.kinds, topic, limit=settings.feed_items, now=now)
    out: dict[FeedKey, Rendered] = {}
    for locale in settings.locales:
        items = [item for entry in found if (item := feed_item(entry, locale, settings))]
        meta = _meta(stream, locale, settings, topics)
        ids = [item.entry_id for item in items]
        for fmt in SYNDICATION_FORMATS:
            body = RENDERERS[fmt](meta, items)
            out[FeedKey(locale, stream, fmt)] = Rendered(body, ids, version)
    return out


async def render_calendar(name: str, settings: Settings, now: datetime) -> dict[FeedKey, Rendered]:
    version = await read_content_version()
    listings = await calendars.sync(CALENDAR_KINDS[name], settings, now)
    ids = [listing.entry.record.id for listing in listings]
    out: dict[FeedKey, Rendered] = {}
    for locale in settings.locales:
        key = calendar_key(name, locale)
        out[key] = Rendered(calendars.render(key, listings, settings), ids, version)
    return out


async def _store(rendered: Mapping[FeedKey, Rendered], now: datetime, outcome: Outcome) -> None:
    stored = await snapshots.store_all({key.path: feed for key, feed in rendered.items()}, now)
    for path, (_, changed) in stored.items():
        if changed:
            outcome.changed.append(path)
        else:
            outcome.unchanged += 1


async def _refresh(
    streams: Iterable[Stream], calendar_names: Iterable[str], settings: Settings, now: datetime
) -> Outcome:
    outcome = Outcome()
    topics = await entries.topic_names()
    for stream in streams:
        if stream.topic and stream.name not in topics:
            continue  # a topic deleted since: refresh_all drops its feeds
        await _store(await render_stream(stream, settings, now, topics), now, outcome)
    for name in calendar_names:
        await _store(await render_calendar(name, settings, now), now, outcome)
    return outcome


async def refresh_for_entry(
    entry_id: int, settings: Settings, now: datetime | None = None
) -> Outcome:
    """Re-render the feeds that list this entry now, or did until this change; no others."""
    moment = now or datetime.now(UTC)
    streams: set[Stream] = set()
    calendar_names: set[str] = set()
    for entry in await entries.any_status([entry_id]):
        kind = entry.record.kind
        if entry.record.status is EntryStatus.PUBLISHED:
            streams |= {Stream("all"), Stream(STREAM_OF_KIND[kind])}
            streams |= {Stream(topic.slug, topic=True) for topic in entry.topics}
        if kind in CALENDAR_OF_KIND:
            calendar_names.add(CALENDAR_OF_KIND[kind])
    for path in await snapshots.listing_entry(entry_id):
        key = key_of_path(path, settings)
        if key is None:
            continue
        if key.is_calendar:
            calendar_names.add(key.stream.name)
        else:
            streams.add(key.stream)
    ordered = sorted(streams, key=lambda s: (s.topic, s.name))
    outcome = await _refresh(ordered, sorted(calendar_names), settings, moment)
    log.info(
        "feeds.refreshed entry=%s changed=%s unchanged=%s",
        entry_id,
        len(outcome.changed),
        outcome.unchanged,
    )
    return outcome


async def refresh_calendars(settings: Settings, now: datetime | None = None) -> Outcome:
    """Time moves calendars (events end, calls close or open) without any content change."""
    return await _refresh((), CALENDAR_KINDS, settings, now or datetime.now(UTC))


async def refresh_all(settings: Settings, now: datetime | None = None) -> Outcome:
    """Every feed again (unchanged ones keep their ETag); feeds of deleted topics go."""
    moment = now or datetime.now(UTC)
    topics = await entries.topic_names()
    streams = [*NAMED_STREAMS, *(Stream(slug, topic=True) for slug in topics)]
    outcome = await _refresh(streams, CALENDAR_KINDS, settings, moment)
    wanted = {
        key.path
        for locale in settings.locales
        for stream in streams
        for key in stream_keys(stream, locale)
    } | {calendar_key(name, locale).path for name in CALENDAR_KINDS for locale in settings.locales}
    dropped = await snapshots.drop([p for p in await snapshots.stored_paths() if p not in wanted])
    log.info(
        "feeds.refreshed_all changed=%s unchanged=%s dropped=%s",
        len(outcome.changed),
        outcome.unchanged,
        dropped,
    )
    return outcome


async def snapshot_for(
    key: FeedKey, settings: Settings, now: datetime | None = None
) -> Snapshot | None:
    """The stored feed, rendered and stored first when missing; None for an unknown topic."""
    stored = await snapshots.load(key.path)
    if stored is not None:
        return stored
    moment = now or datetime.now(UTC)
    if key.is_calendar:
        rendered = await render_calendar(key.stream.name, settings, moment)
    else:
        topics = await entries.topic_names()
        if key.stream.topic and key.stream.name not in topics:
            return None
        rendered = await render_stream(key.stream, settings, moment, topics)
    stored_now = await snapshots.store_all(
        {other.path: feed for other, feed in rendered.items()}, moment
    )
    log.info("feeds.rendered_on_demand path=%s", key.path)
    return stored_now[key.path][0] if key.path in stored_now else None
