"""The one place feeds read content: through service.content.queries' public reads.

Each read returns whole entries (every translation, every topic), so one read serves
every locale's feed of a stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from service.content import queries
from service.content.enums import EntryKind, EntryStatus
from service.content.queries import EntryRecord, TopicRecord, TranslationRecord


@dataclass(frozen=True, slots=True)
class FeedEntry:
    record: EntryRecord
    translations: dict[str, TranslationRecord]
    topics: list[TopicRecord]


async def _whole(records: Sequence[EntryRecord], *, with_body: bool) -> list[FeedEntry]:
    """`with_body`: only syndication feeds carry the text; calendars and routing do not."""
    ids = [record.id for record in records]
    if not ids:
        return []
    translations = await queries.translations_by_entry(ids, with_body=with_body)
    topics = await queries.topics_by_entry(ids)
    return [
        FeedEntry(
            record,
            {tr.locale: tr for tr in translations.get(record.id, [])},
            topics.get(record.id, []),
        )
        for record in records
        if translations.get(record.id)  # nothing to show without a translation
    ]


async def newest(
    kinds: tuple[EntryKind, ...], topic: str | None, *, limit: int, now: datetime
) -> list[FeedEntry]:
    """Published entries, newest first (the public `entries` query's order)."""
    flt = queries.EntryFilter(kinds=kinds, topics=(topic,) if topic else ())
    page = await queries.list_entries(flt, first=limit, after=None, now=now)
    return await _whole(page.entries, with_body=True)


async def ahead(kind: EntryKind, *, limit: int, now: datetime) -> list[FeedEntry]:
    """Published events not over yet, or calls open now; soonest first."""
    if kind is EntryKind.EVENT:
        flt = queries.EntryFilter(kinds=(kind,), upcoming=True)
    else:
        flt = queries.EntryFilter(kinds=(kind,), open=True)
    page = await queries.list_entries(flt, first=limit, after=None, now=now)
    return await _whole(page.entries, with_body=False)


async def any_status(entry_ids: Sequence[int]) -> list[FeedEntry]:
    """These entries whatever their status (taken-down ones a calendar announces cancelled)."""
    found = await queries.find_by_ids(entry_ids, statuses=tuple(EntryStatus))
    records = [found[entry_id] for entry_id in entry_ids if entry_id in found]
    return await _whole(records, with_body=False)


async def topic_names() -> dict[str, dict[str, str]]:
    """Every topic's names by locale, in topic order."""
    return {topic.slug: topic.names for topic in await queries.all_topics()}
