"""Public content queries: thin resolvers over service.content.queries."""

from __future__ import annotations

import strawberry

from service.api.arguments import MAX_ENTRY_SLUG, slug_argument
from service.api.content.types import (
    EntryBase,
    Event,
    NewsArticle,
    OpenCall,
    Topic,
    entry_of,
    topic_of,
)
from service.api.context import Info
from service.api.errors import bad_input
from service.api.pagination import (
    Keyset,
    PageInfo,
    check_first,
    decode_cursor,
    encode_cursor,
    page_info,
    scoped_kind,
)
from service.api.selection import selected_names
from service.content import queries
from service.content.enums import EntryKind, EntryStatus
from service.content.errors import ContentError
from service.content.locales import check_locale
from service.content.queries import EntryRecord
from service.content.search import SearchScope
from service.content.slugs import MAX_TOPIC_SLUG_LENGTH


@strawberry.input(name="EntryFilter")
class EntryFilterInput:
    kinds: list[EntryKind] | None = None
    topics: list[str] | None = strawberry.field(default=None, description="Topic slugs; any.")
    search: str | None = strawberry.field(
        default=None,
        description="Words in the title, summary or body of the entry in `locale` (or the"
        " fallback), in any order, accents and case ignored; best matches first.",
    )
    upcoming: bool | None = strawberry.field(
        default=None,
        description="true: events not over yet, soonest first; false: past events. An event"
        " without `endsAt` is over once it has started.",
    )
    open: bool | None = strawberry.field(
        default=None,
        description="true: calls open now, nearest deadline first; false: closed calls.",
    )
    status: list[EntryStatus] | None = strawberry.field(
        default=None, description="Staff only (ignored for the public): e.g. [DRAFT]."
    )

    def to_domain(
        self, *, staff: bool, search_in: SearchScope | None = None
    ) -> queries.EntryFilter:
        for slug in self.topics or ():
            slug_argument(slug, field="filter.topics", max_length=MAX_TOPIC_SLUG_LENGTH)
        statuses = tuple(self.status) if staff and self.status else queries.PUBLIC_STATUSES
        return queries.EntryFilter(
            kinds=tuple(self.kinds or ()),
            topics=tuple(self.topics or ()),
            search=self.search,
            upcoming=self.upcoming,
            open=self.open,
            statuses=statuses,
            search_in=search_in,
        )


CURSOR_KIND = "entry"
SEARCH_CURSOR_KIND = "entry-search"


@strawberry.type
class EntryEdge:
    cursor: str
    node: EntryBase


@strawberry.type
class EntryConnection:
    edges: list[EntryEdge]
    page_info: PageInfo
    filter: strawberry.Private[queries.EntryFilter]

    @strawberry.field(description="How many entries match the filter, on every page.")
    async def total_count(self, info: Info) -> int:
        return await queries.count_entries(self.filter, now=info.context.now)


def served_locale(info: Info, locale: str | None) -> str:
    try:
        return check_locale(locale, info.context.settings)
    except ContentError as exc:
        raise bad_input(exc) from exc


async def build_entries(
    info: Info, rows: list[EntryRecord], locale: str
) -> list[NewsArticle | Event | OpenCall]:
    """One statement for the translations, one for the topics if asked: whatever the count."""
    settings = info.context.settings
    wanted = selected_names(info)
    ids = [row.id for row in rows]
    translations = await queries.translations_by_entry(
        ids, with_body=bool(wanted & {"body", "eligibility"})
    )
    topics = await queries.topics_by_entry(ids) if "topics" in wanted else {}
    built = (
        entry_of(row, translations.get(row.id, []), topics.get(row.id, []), locale, settings)
        for row in rows
    )
    return [entry for entry in built if entry is not None]


@strawberry.type
class ContentQuery:
    @strawberry.field(description="Published entries, newest first; filters narrow them.")
    async def entries(
        self,
        info: Info,
        filter: EntryFilterInput | None = None,
        locale: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> EntryConnection:
        lang = served_locale(info, locale)
        settings = info.context.settings
        check_first(first, settings)
        flt = (filter or EntryFilterInput()).to_domain(
            staff=info.context.staff is not None,
            search_in=SearchScope(lang, settings.default_locale),
        )
        # Ranked search results page by position, other lists by keyset: separate cursors,
        # each bound to its filter and order.
        kind = scoped_kind(
            SEARCH_CURSOR_KIND if queries.ranks(flt) else CURSOR_KIND, queries.list_identity(flt)
        )
        start = decode_cursor(kind, after) if after is not None else None
        page = await queries.list_entries(
            flt,
            first=first,
            after=(start.value, start.id) if start is not None else None,
            now=info.context.now,
        )
        cursors = [encode_cursor(kind, Keyset(*key)) for key in page.keys]
        nodes = await build_entries(info, page.entries, lang)
        by_id = {int(node.id): node for node in nodes}
        edges = [
            EntryEdge(cursor=cursor, node=by_id[row.id])
            for row, cursor in zip(page.entries, cursors, strict=True)
            if row.id in by_id
        ]
        return EntryConnection(
            edges=edges,
            page_info=page_info(cursors, has_next=page.has_next, after=after),
            filter=flt,
        )

    @strawberry.field(description="One published entry by its slug in any locale.")
    async def entry(self, info: Info, slug: str, locale: str | None = None) -> EntryBase | None:
        lang = served_locale(info, locale)
        row = await queries.find_by_slug(
            slug_argument(slug, field="slug", max_length=MAX_ENTRY_SLUG), lang
        )
        if row is None:
            return None
        built = await build_entries(info, [row], lang)
        return built[0] if built else None

    @strawberry.field(description="Every topic, named in `locale` (or the fallback).")
    async def topics(self, info: Info, locale: str | None = None) -> list[Topic]:
        lang = served_locale(info, locale)
        return [topic_of(row, lang, info.context.settings) for row in await queries.all_topics()]

    @strawberry.field(description="The locales content is written in; the default first.")
    def locales(self, info: Info) -> list[str]:
        settings = info.context.settings
        return [
            settings.default_locale,
            *(x for x in settings.locales if x != settings.default_locale),
        ]
