"""GraphQL content types: the `Entry` interface and its three kinds (docs/architecture.md §4)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

import strawberry

from service.api.context import Info
from service.api.staff.types import Staff
from service.content.enums import EntryKind, EntryStatus
from service.content.locales import fallback_order, pick, sorted_locales
from service.content.urls import entry_url

if TYPE_CHECKING:
    from service.content.queries import EntryRecord, TopicRecord, TranslationRecord
    from service.settings import Settings

# Registered in place: the domain enums are the GraphQL enums (values NEWS, EVENT, CALL).
strawberry.enum(EntryKind, name="EntryKind")
strawberry.enum(EntryStatus, name="EntryStatus")


@strawberry.type
class Topic:
    slug: str
    name: str
    locale: str = strawberry.field(description="The locale `name` is in.")


@strawberry.type
class EntryTranslationRef:
    locale: str
    slug: str
    title: str


@strawberry.interface(name="Entry")
class EntryBase:
    id: strawberry.ID
    kind: EntryKind
    locale: str = strawberry.field(
        description="The locale served: the one asked for, or the fallback."
    )
    title: str
    slug: str
    summary: str
    body: str = strawberry.field(description="Sanitised HTML.")
    url: str = strawberry.field(description="The entry's page on the frontend.")
    published_at: datetime | None = strawberry.field(
        description="When it went public; null for a draft that never was (staff only)."
    )
    updated_at: datetime
    cover_image_url: str | None
    organisers: str | None
    translations: list[EntryTranslationRef]
    # Loaded with the page and resolved as plain data: an async resolver per entry costs
    # more than the whole database read (bench/graphql_read.py).
    topics: list[Topic]
    status: EntryStatus = strawberry.field(description="Public queries only see PUBLISHED.")
    publish_at: datetime | None = strawberry.field(description="When a scheduled entry goes out.")
    submitted_at: datetime | None = strawberry.field(
        description="When an author handed the draft to the editors."
    )
    entry_id: strawberry.Private[int]
    created_by_id: strawberry.Private[int | None]
    updated_by_id: strawberry.Private[int | None]

    @strawberry.field(description="Staff only; null for the public.")
    async def created_by(self, info: Info) -> Staff | None:
        return await staff_member(info, self.created_by_id)

    @strawberry.field(description="Staff only; null for the public.")
    async def updated_by(self, info: Info) -> Staff | None:
        return await staff_member(info, self.updated_by_id)


async def staff_member(info: Info, staff_id: int | None) -> Staff | None:
    # Who wrote what is the newsroom's business, not the public's.
    if staff_id is None or info.context.staff is None:
        return None
    row = await info.context.loaders.staff.load(staff_id)
    return Staff.of(row, info.context.settings.zone) if row is not None else None


@strawberry.type
class NewsArticle(EntryBase):
    pass


@strawberry.type
class Event(EntryBase):
    starts_at: datetime
    ends_at: datetime | None
    venue: str | None
    online_url: str | None
    registration_url: str | None


@strawberry.type
class OpenCall(EntryBase):
    opens_at: datetime | None
    deadline: datetime
    apply_url: str | None
    eligibility: str | None = strawberry.field(description="Who may apply (sanitised HTML).")
    budget: str | None

    @strawberry.field(description="Whether applications are accepted right now.")
    def is_open(self, info: Info) -> bool:
        now = info.context.now
        return self.deadline >= now and (self.opens_at is None or self.opens_at <= now)


def local_time(moment: datetime, zone: tzinfo) -> datetime:
    """`moment` in the organisation's zone; as stored when the zone would overflow it.

    Rows from before dates were bounded (or written by hand: 9999-12-31, PostgreSQL's
    infinities) must still render: one bad row must not fail every visitor's list.
    """
    if moment.tzinfo is None:  # asyncpg hands PostgreSQL's infinities back naive
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        return moment


def topic_of(row: TopicRecord, locale: str, settings: Settings) -> Topic:
    for candidate in fallback_order(locale, settings):
        name = row.names.get(candidate)
        if name is not None:
            return Topic(slug=row.slug, name=name, locale=candidate)
    # Named only in a locale no longer configured, or not at all.
    served, name = next(iter(row.names.items()), (locale, row.slug))
    return Topic(slug=row.slug, name=name, locale=served)


def entry_of(
    row: EntryRecord,
    translations: list[TranslationRecord],
    topics: list[TopicRecord],
    locale: str,
    settings: Settings,
) -> NewsArticle | Event | OpenCall | None:
    """The GraphQL object for one entry in `locale`, falling back (docs/architecture.md §3).

    None for a row with nothing true to show: no translation, or an event without its
    start or a call without its deadline (validation refuses those; old rows may not).
    """
    by_locale = {tr.locale: tr for tr in translations}
    tr = pick(by_locale, locale, settings)
    if tr is None:
        return None
    zone = settings.zone

    def local(moment: datetime | None) -> datetime | None:
        return local_time(moment, zone) if moment is not None else None

    # What every kind shows; the kinds add their own fields below.
    common: dict[str, Any] = {
        "id": strawberry.ID(str(row.id)),
        "kind": row.kind,
        "locale": tr.locale,
        "title": tr.title,
        "slug": tr.slug,
        "summary": tr.summary,
        "body": tr.body_html,
        "url": entry_url(row.kind, row.id, tr.locale, tr.slug, settings),
        "published_at": local(row.published_at),
        "updated_at": local_time(row.updated_at, zone),
        "cover_image_url": row.cover_image_url,
        "organisers": row.organisers,
        "translations": [
            EntryTranslationRef(locale=loc, slug=by_locale[loc].slug, title=by_locale[loc].title)
            for loc in sorted_locales(by_locale, settings)
        ],
        "topics": [topic_of(topic, tr.locale, settings) for topic in topics],
        "status": row.status,
        "publish_at": local(row.publish_at),
        "submitted_at": local(row.submitted_at),
        "entry_id": row.id,
        "created_by_id": row.created_by_id,
        "updated_by_id": row.updated_by_id,
    }
    if row.kind is EntryKind.EVENT:
        if row.starts_at is None:
            return None
        return Event(
            **common,
            starts_at=local_time(row.starts_at, zone),
            ends_at=local(row.ends_at),
            venue=row.venue,
            online_url=row.online_url,
            registration_url=row.registration_url,
        )
    if row.kind is EntryKind.CALL:
        if row.deadline is None:
            return None
        return OpenCall(
            **common,
            opens_at=local(row.opens_at),
            deadline=local_time(row.deadline, zone),
            apply_url=row.apply_url,
            eligibility=tr.eligibility,
            budget=row.budget,
        )
    return NewsArticle(**common)
