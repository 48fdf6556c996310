"""Reading content: filtered keyset pages, slug look-ups and batch loads for DataLoaders."""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Coalesce
from tortoise.queryset import QuerySet

from service.content.enums import EntryKind, EntryStatus
from service.content.errors import ContentError, ContentErrorCode
from service.content.models import Entry, EntryTranslation, Topic

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


def _time_condition(flt: EntryFilter, now: datetime) -> Q | None:
    parts: list[Q] = []
    if flt.upcoming is not None:
        not_over = Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now)
        parts.append(Q(kind=EntryKind.EVENT) & (not_over if flt.upcoming else ~not_over))
    if flt.open is not None:
        is_open = Q(deadline__gte=now) & (Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        closed = Q(deadline__lt=now)
        parts.append(Q(kind=EntryKind.CALL) & (is_open if flt.open else closed))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined = combined | part
    return combined


def _as_utc(value: datetime | str | None) -> datetime | None:
    """SQLite hands annotated datetimes back as text; keyset values must compare as stored."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def encode_cursor(value: datetime | str | None, entry_id: int) -> str:
    moment = _as_utc(value)
    raw = json.dumps([moment.isoformat() if moment else None, entry_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime | None, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, entry_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = datetime.fromisoformat(value) if value is not None else None
        if not isinstance(entry_id, int) or (moment is not None and moment.tzinfo is None):
            raise ValueError("bad cursor")
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise ContentError.single(
            ContentErrorCode.INVALID, "The cursor is not one this API gave out.", "after"
        ) from exc
    return _as_utc(moment), entry_id


# The read path builds plain records from values(): no model instances on the hot path.
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


async def _records(qs: QuerySet[Entry]) -> list[EntryRecord]:
    return [EntryRecord(**row) for row in await qs.values(*ENTRY_COLUMNS)]


def _filtered(flt: EntryFilter, now: datetime) -> QuerySet[Entry]:
    qs = Entry.filter(status__in=flt.statuses)
    if flt.kinds:
        qs = qs.filter(kind__in=flt.kinds)
    if flt.topics:
        tagged = Entry.filter(topics__slug__in=flt.topics).values("id")
        qs = qs.filter(id__in=Subquery(tagged))
    if flt.search and flt.search.strip():
        term = flt.search.strip()
        matching = EntryTranslation.filter(
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(body_html__icontains=term)
        ).values("entry_id")
        qs = qs.filter(id__in=Subquery(matching))
    condition = _time_condition(flt, now)
    if condition is not None:
        qs = qs.filter(condition)
    return qs


async def list_entries(flt: EntryFilter, *, first: int, after: str | None, now: datetime) -> Page:
    order = _order_for(flt)
    qs = _filtered(flt, now)
    if order.key == "sort_date":
        qs = qs.annotate(sort_date=Coalesce("starts_at", F("deadline")))
    if after is not None:
        value, last_id = decode_cursor(after)
        op = "gt" if order.ascending else "lt"
        beyond: dict[str, Any] = {f"{order.key}__{op}": value}
        tie: dict[str, Any] = {order.key: value, f"id__{op}": last_id}
        qs = qs.filter(Q(**beyond) | Q(**tie))
    direction = "" if order.ascending else "-"
    qs = qs.order_by(f"{direction}{order.key}", f"{direction}id").limit(first + 1)
    rows = await _records(qs)
    has_next = len(rows) > first
    rows = rows[:first]
    cursors = [encode_cursor(_sort_value(row, order.key), row.id) for row in rows]
    return Page(entries=rows, cursors=cursors, has_next=has_next)


def _sort_value(row: EntryRecord, key: str) -> datetime | None:
    if key == "sort_date":
        return row.starts_at or row.deadline
    value: datetime | None = getattr(row, key)
    return value


async def count_entries(flt: EntryFilter, *, now: datetime) -> int:
    return await _filtered(flt, now).count()


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
    found = await _records(Entry.filter(id=entry_id, status__in=list(statuses)))
    return found[0] if found else None


async def translations_by_entry(
    entry_ids: Sequence[int], *, with_body: bool = True
) -> dict[int, list[TranslationRecord]]:
    """All translations of these entries; without the (large) bodies when a list skips them."""
    columns = ["entry_id", "locale", "title", "slug", "summary"]
    if with_body:
        columns += ["body_html", "eligibility"]
    found: dict[int, list[TranslationRecord]] = defaultdict(list)
    for row in await EntryTranslation.filter(entry_id__in=list(entry_ids)).values(*columns):
        found[row.pop("entry_id")].append(TranslationRecord(**row))
    return found


async def topics_by_entry(entry_ids: Sequence[int]) -> dict[int, list[TopicRecord]]:
    """Topics of each entry with their names in every locale, in topic order: one statement."""
    rows = await Entry.filter(id__in=list(entry_ids), topics__id__isnull=False).values_list(
        "id",
        "topics__slug",
        "topics__position",
        "topics__translations__locale",
        "topics__translations__name",
    )
    by_entry: dict[int, dict[str, TopicRecord]] = defaultdict(dict)
    for entry_id, slug, position, locale, name in rows:
        topic = by_entry[entry_id].setdefault(slug, TopicRecord(slug, position, {}))
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
