"""Reading content: filtered keyset pages, slug look-ups and batch loads for DataLoaders."""

from __future__ import annotations

import base64
import binascii
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from service.content import search
from service.content.enums import EntryKind, EntryStatus
from service.content.errors import ContentError, ContentErrorCode
from service.content.models import EntryTranslation, Topic
from service.content.search import SearchScope
from service.content.sql import Statement, statement, to_datetime

PUBLIC_STATUSES = (EntryStatus.PUBLISHED,)


@dataclass(frozen=True)
class EntryFilter:
    kinds: tuple[EntryKind, ...] = ()
    topics: tuple[str, ...] = ()
    search: str | None = None
    # True: events not yet over / calls still open; False: the past ones; None: no filter.
    upcoming: bool | None = None
    open: bool | None = None
    statuses: tuple[EntryStatus, ...] = PUBLIC_STATUSES
    # Which translation `search` reads (the served one); None: any translation.
    search_in: SearchScope | None = None


@dataclass(frozen=True)
class _Order:
    """Keyset order: newest first by default, soonest first for what is still ahead."""

    key: str
    ascending: bool


_NEWEST_FIRST = _Order("published_at", ascending=False)


def _order_for(flt: EntryFilter) -> _Order:
    if flt.upcoming is None and flt.open is None:
        return _NEWEST_FIRST
    # Events sort by start, calls by deadline: one key serves a list mixing both.
    ahead = flt.upcoming is True or flt.open is True
    return _Order("sort_date", ascending=ahead)


def _time_condition(flt: EntryFilter, now: datetime, sql: Statement) -> str | None:
    parts: list[str] = []
    if flt.upcoming is not None:
        t = sql.param(now)
        not_over = f"(e.ends_at >= {t} OR (e.ends_at IS NULL AND e.starts_at >= {t}))"
        kind = sql.param(EntryKind.EVENT.value)
        parts.append(f"(e.kind = {kind} AND {'' if flt.upcoming else 'NOT '}{not_over})")
    if flt.open is not None:
        t = sql.param(now)
        kind = sql.param(EntryKind.CALL.value)
        if flt.open:
            state = f"e.deadline >= {t} AND (e.opens_at IS NULL OR e.opens_at <= {t})"
        else:
            state = f"e.deadline < {t}"
        parts.append(f"(e.kind = {kind} AND {state})")
    return f"({' OR '.join(parts)})" if parts else None


def _as_utc(value: datetime | str | None) -> datetime | None:
    """SQLite hands annotated datetimes back as text; keyset values must compare as stored."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def encode_cursor(value: datetime | str | None, entry_id: int) -> str:
    # "<sort value>|<id>", opaque to clients; made 20 times a page, so no JSON here.
    moment = _as_utc(value)
    raw = f"{moment.isoformat() if moment else ''}|{entry_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime | None, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, _, number = base64.urlsafe_b64decode(padded.encode()).decode().partition("|")
        moment = datetime.fromisoformat(value) if value else None
        entry_id = int(number)
        if moment is not None and moment.tzinfo is None:
            raise ValueError("bad cursor")
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ContentError.single(
            ContentErrorCode.INVALID, "The cursor is not one this API gave out.", "after"
        ) from exc
    return _as_utc(moment), entry_id


ENTRY_COLUMNS = (
    "id",
    "kind",
    "status",
    "publish_at",
    "published_at",
    "first_published_at",
    "updated_at",
    "cover_image_url",
    "organisers",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "registration_url",
    "opens_at",
    "deadline",
    "apply_url",
    "budget",
    "created_by_id",
    "updated_by_id",
    "submitted_at",
)
_TIME_COLUMNS = (
    "publish_at",
    "published_at",
    "first_published_at",
    "updated_at",
    "starts_at",
    "ends_at",
    "opens_at",
    "deadline",
    "submitted_at",
)
_SELECT_ENTRY = ", ".join(f"e.{column}" for column in ENTRY_COLUMNS)


@dataclass(slots=True)
class EntryRecord:
    id: int
    kind: EntryKind
    status: EntryStatus
    publish_at: datetime | None
    published_at: datetime | None
    first_published_at: datetime | None
    updated_at: datetime
    cover_image_url: str | None
    organisers: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    venue: str | None
    online_url: str | None
    registration_url: str | None
    opens_at: datetime | None
    deadline: datetime | None
    apply_url: str | None
    budget: str | None
    created_by_id: int | None
    updated_by_id: int | None
    submitted_at: datetime | None


@dataclass(slots=True)
class TranslationRecord:
    locale: str
    title: str
    slug: str
    summary: str
    body_html: str = ""
    eligibility: str | None = None


@dataclass(slots=True)
class TopicRecord:
    slug: str
    position: int
    names: dict[str, str]


@dataclass(frozen=True)
class Page:
    entries: list[EntryRecord]
    cursors: list[str]
    has_next: bool


def _record(row: Sequence[Any]) -> EntryRecord:
    record = EntryRecord(*row)  # columns in ENTRY_COLUMNS order
    record.kind = EntryKind(record.kind)
    record.status = EntryStatus(record.status)
    if isinstance(record.updated_at, str):  # SQLite keeps datetimes as text
        for column in _TIME_COLUMNS:
            setattr(record, column, to_datetime(getattr(record, column)))
    return record


def _where(flt: EntryFilter, now: datetime, sql: Statement) -> str:
    conditions = [sql.is_in("e.status", [s.value for s in flt.statuses])]
    if flt.kinds:
        conditions.append(sql.is_in("e.kind", [k.value for k in flt.kinds]))
    if flt.topics:
        conditions.append(
            "e.id IN (SELECT et.entry_id FROM entry_topic et JOIN topic t ON t.id = et.topic_id"
            f" WHERE {sql.is_in('t.slug', flt.topics)})"
        )
    timed = _time_condition(flt, now, sql)
    if timed is not None:
        conditions.append(timed)
    return " AND ".join(conditions)


_SORT_SQL = {"published_at": "e.published_at", "sort_date": "COALESCE(e.starts_at, e.deadline)"}


def _from(flt: EntryFilter, sql: Statement) -> str:
    """The entries, joined to their search matches (`s.rank`) when the filter searches."""
    terms = search.search_terms(flt.search)
    if terms is None:
        return "entry e"
    return f"entry e JOIN ({search.matches(sql, terms, flt.search_in)}) s ON s.entry_id = e.id"


async def _search_page(flt: EntryFilter, *, first: int, after: str | None, now: datetime) -> Page:
    """Best matches first, paged by position (service/content/search.py)."""
    offset = search.decode_position(after) if after is not None else 0
    sql = statement()
    source = _from(flt, sql)
    rows = await sql.rows(
        f"SELECT {_SELECT_ENTRY} FROM {source} WHERE {_where(flt, now, sql)}"
        f" ORDER BY {search.ORDER} LIMIT {int(first) + 1} OFFSET {int(offset)}"
    )
    records = [_record(row) for row in rows[:first]]
    cursors = [search.encode_position(offset + i + 1) for i in range(len(records))]
    return Page(entries=records, cursors=cursors, has_next=len(rows) > first)


async def list_entries(flt: EntryFilter, *, first: int, after: str | None, now: datetime) -> Page:
    if search.search_terms(flt.search) is not None:
        return await _search_page(flt, first=first, after=after, now=now)
    order = _order_for(flt)
    key = _SORT_SQL[order.key]
    sql = statement()
    where = _where(flt, now, sql)
    direction, op = ("ASC", ">") if order.ascending else ("DESC", "<")
    if after is not None:
        value, last_id = decode_cursor(after)
        v = sql.param(value)
        where += f" AND ({key} {op} {v} OR ({key} = {v} AND e.id {op} {sql.param(last_id)}))"
    rows = await sql.rows(
        f"SELECT {_SELECT_ENTRY} FROM entry e WHERE {where}"
        f" ORDER BY {key} {direction}, e.id {direction} LIMIT {int(first) + 1}"
    )
    records = [_record(row) for row in rows[:first]]
    cursors = [encode_cursor(_sort_value(r, order.key), r.id) for r in records]
    return Page(entries=records, cursors=cursors, has_next=len(rows) > first)


def _sort_value(row: EntryRecord, key: str) -> datetime | None:
    if key == "sort_date":
        return row.starts_at or row.deadline
    value: datetime | None = getattr(row, key)
    return value


async def count_entries(flt: EntryFilter, *, now: datetime) -> int:
    sql = statement()
    source = _from(flt, sql)
    rows = await sql.rows(f"SELECT COUNT(*) AS n FROM {source} WHERE {_where(flt, now, sql)}")
    return int(rows[0]["n"])


async def find_by_slug(
    slug: str, locale: str, *, statuses: Sequence[EntryStatus] = PUBLIC_STATUSES
) -> EntryRecord | None:
    """The entry with this slug, preferring a match in `locale` (slugs are unique per locale)."""
    matches = await EntryTranslation.filter(
        slug=slug, entry__status__in=list(statuses)
    ).values_list("entry_id", "locale")
    if not matches:
        return None
    entry_id = next((eid for eid, loc in matches if loc == locale), matches[0][0])
    return await find_by_id(entry_id, statuses=statuses)


async def find_by_id(
    entry_id: int, *, statuses: Sequence[EntryStatus] = PUBLIC_STATUSES
) -> EntryRecord | None:
    sql = statement()
    rows = await sql.rows(
        f"SELECT {_SELECT_ENTRY} FROM entry e WHERE e.id = {sql.param(entry_id)}"
        f" AND {sql.is_in('e.status', [s.value for s in statuses])}"
    )
    return _record(rows[0]) if rows else None


async def translations_by_entry(
    entry_ids: Sequence[int], *, with_body: bool = True
) -> dict[int, list[TranslationRecord]]:
    """All translations of these entries; without the (large) bodies when a list skips them."""
    sql = statement()
    columns = "entry_id, locale, title, slug, summary"
    if with_body:
        columns += ", body_html, eligibility"
    rows = await sql.rows(
        f"SELECT {columns} FROM entry_translation WHERE {sql.is_in('entry_id', entry_ids)}"
    )
    found: dict[int, list[TranslationRecord]] = defaultdict(list)
    for row in rows:
        found[row[0]].append(TranslationRecord(*row[1:5], *((row[5], row[6]) if with_body else ())))
    return found


async def topics_by_entry(entry_ids: Sequence[int]) -> dict[int, list[TopicRecord]]:
    """Topics of each entry with their names in every locale, in topic order: one statement."""
    sql = statement()
    rows = await sql.rows(
        "SELECT et.entry_id, t.slug, t.position, tt.locale, tt.name FROM entry_topic et"
        " JOIN topic t ON t.id = et.topic_id"
        " LEFT JOIN topic_translation tt ON tt.topic_id = t.id"
        f" WHERE {sql.is_in('et.entry_id', entry_ids)}"
    )
    by_entry: dict[int, dict[str, TopicRecord]] = defaultdict(dict)
    for entry_id, slug, position, locale, name in rows:
        topic = by_entry[entry_id].get(slug)
        if topic is None:
            topic = by_entry[entry_id][slug] = TopicRecord(slug, position, {})
        if locale is not None:
            topic.names[locale] = name
    return {
        entry_id: sorted(topics.values(), key=lambda t: (t.position, t.slug))
        for entry_id, topics in by_entry.items()
    }


async def all_topics() -> list[TopicRecord]:
    rows = await Topic.all().values_list(
        "slug", "position", "translations__locale", "translations__name"
    )
    topics: dict[str, TopicRecord] = {}
    for slug, position, locale, name in rows:
        topic = topics.setdefault(slug, TopicRecord(slug, position, {}))
        if locale is not None:
            topic.names[locale] = name
    return sorted(topics.values(), key=lambda t: (t.position, t.slug))
