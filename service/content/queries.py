"""Reading content: filtered keyset pages, slug look-ups and batch loads for DataLoaders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, get_args, get_type_hints

from service.content import search
from service.content.enums import EntryKind, EntryStatus
from service.content.inputs import EntryFields
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


def list_identity(flt: EntryFilter) -> tuple[object, ...]:
    """What decides which entries a list holds and in what order, in plain values: a page
    key means something only in the list it came from. The order of kinds, topics and
    statuses does not count, nor the served locale unless a search reads it."""
    terms = search.search_terms(flt.search)
    if terms is None:
        order = _order_for(flt)
        ordering: tuple[object, ...] = (order.key, order.ascending)
    else:
        scope = flt.search_in
        ordering = ("rank", tuple(terms), (scope.locale, scope.default_locale) if scope else None)
    return (
        ordering,
        tuple(sorted({kind.value for kind in flt.kinds})),
        tuple(sorted(set(flt.topics))),
        flt.upcoming,
        flt.open,
        tuple(sorted({status.value for status in flt.statuses})),
    )


def _time_condition(flt: EntryFilter, now: datetime, sql: Statement) -> str | None:
    parts: list[str] = []
    if flt.upcoming is not None:
        # An event without an end is over once it has started. One comparison, never
        # NOT of an OR with NULLs in it: that is NULL for such a row, and the event would
        # fall out of both lists.
        over_at = "COALESCE(e.ends_at, e.starts_at)"
        op = ">=" if flt.upcoming else "<"
        kind = sql.param(EntryKind.EVENT.value)
        parts.append(f"(e.kind = {kind} AND {over_at} {op} {sql.param(now)})")
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


@dataclass(frozen=True, kw_only=True, slots=True)
class EntryRecord(EntryFields):
    """One entry row as the read path sees it: its fields, and its publication state."""

    id: int
    kind: EntryKind
    status: EntryStatus
    publish_at: datetime | None
    published_at: datetime | None
    first_published_at: datetime | None
    updated_at: datetime
    created_by_id: int | None
    updated_by_id: int | None
    submitted_at: datetime | None


ENTRY_COLUMNS = tuple(f.name for f in fields(EntryRecord))
_TIME_COLUMNS = frozenset(
    name
    for name, hint in get_type_hints(EntryRecord).items()
    if hint is datetime or datetime in get_args(hint)
)
_SELECT_ENTRY = ", ".join(f"e.{column}" for column in ENTRY_COLUMNS)


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


# Where a page starts: right after the row with this sort value and id.
PageKey = tuple[datetime | None, int]


@dataclass(frozen=True)
class Page:
    entries: list[EntryRecord]
    keys: list[PageKey]  # each entry's own key, for the cursors the API writes
    has_next: bool


def _record(row: Sequence[Any]) -> EntryRecord:
    values = dict(zip(ENTRY_COLUMNS, row, strict=True))  # selected in ENTRY_COLUMNS order
    values["kind"] = EntryKind(values["kind"])
    values["status"] = EntryStatus(values["status"])
    if isinstance(values["updated_at"], str):  # SQLite keeps datetimes as text
        for column in _TIME_COLUMNS:
            values[column] = to_datetime(values[column])
    return EntryRecord(**values)


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


def ranks(flt: EntryFilter) -> bool:
    """Whether the filter's pages are ranked matches, paged by position, not by a keyset."""
    return search.search_terms(flt.search) is not None


async def _search_page(
    flt: EntryFilter, *, first: int, after: PageKey | None, now: datetime
) -> Page:
    """Best matches first, paged by position: a key is (None, the row's position)."""
    offset = after[1] if after is not None else 0
    sql = statement()
    source = _from(flt, sql)
    rows = await sql.rows(
        f"SELECT {_SELECT_ENTRY} FROM {source} WHERE {_where(flt, now, sql)}"
        f" ORDER BY {search.ORDER} LIMIT {int(first) + 1} OFFSET {int(offset)}"
    )
    records = [_record(row) for row in rows[:first]]
    keys: list[PageKey] = [(None, offset + i + 1) for i in range(len(records))]
    return Page(entries=records, keys=keys, has_next=len(rows) > first)


async def list_entries(
    flt: EntryFilter, *, first: int, after: PageKey | None, now: datetime
) -> Page:
    if ranks(flt):
        return await _search_page(flt, first=first, after=after, now=now)
    order = _order_for(flt)
    key = _SORT_SQL[order.key]
    sql = statement()
    where = _where(flt, now, sql)
    direction, op = ("ASC", ">") if order.ascending else ("DESC", "<")
    if after is not None:
        where += f" AND {_after_key(sql, key, op, after, ascending=order.ascending)}"
    rows = await sql.rows(
        f"SELECT {_SELECT_ENTRY} FROM entry e WHERE {where}"
        f" ORDER BY {key} {direction}, e.id {direction} LIMIT {int(first) + 1}"
    )
    records = [_record(row) for row in rows[:first]]
    keys = [(_as_utc(_sort_value(r, order.key)), r.id) for r in records]
    return Page(entries=records, keys=keys, has_next=len(rows) > first)


def _after_key(sql: Statement, key: str, op: str, after: PageKey, *, ascending: bool) -> str:
    """The rows past `after` in ORDER BY key, id. A key may be NULL (a draft never
    published, in a staff list): PostgreSQL sorts NULL above every value, SQLite below,
    and a comparison with NULL is never true, so the NULL rows are placed explicitly."""
    value, last_id = after
    nulls_last = sql.postgres == ascending
    if value is None:
        rest = "" if nulls_last else f" OR {key} IS NOT NULL"
        return f"(({key} IS NULL AND e.id {op} {sql.param(last_id)}){rest})"
    v = sql.param(value)
    rest = f" OR {key} IS NULL" if nulls_last else ""
    return f"({key} {op} {v} OR ({key} = {v} AND e.id {op} {sql.param(last_id)}){rest})"


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
    return (await find_by_ids([entry_id], statuses=statuses)).get(entry_id)


async def find_by_ids(
    entry_ids: Sequence[int], *, statuses: Sequence[EntryStatus] = PUBLIC_STATUSES
) -> dict[int, EntryRecord]:
    """The entries with these ids and one of these statuses, by id: one statement."""
    if not entry_ids:
        return {}
    sql = statement()
    rows = await sql.rows(
        f"SELECT {_SELECT_ENTRY} FROM entry e WHERE {sql.is_in('e.id', entry_ids)}"
        f" AND {sql.is_in('e.status', [s.value for s in statuses])}"
    )
    return {record.id: record for record in map(_record, rows)}


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
