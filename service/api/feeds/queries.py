"""Public feed queries: a thin resolver over service.feeds.discovery."""

from __future__ import annotations

import strawberry

from service.api.content.queries import served_locale
from service.api.context import Info
from service.api.feeds.types import Feed, feed_of
from service.feeds.discovery import list_feeds


@strawberry.type
class FeedQuery:
    @strawberry.field(
        description="Every feed in `locale` (every locale when null): streams, calendars, topics."
    )
    async def feeds(self, info: Info, locale: str | None = None) -> list[Feed]:
        settings = info.context.settings
        locales = (served_locale(info, locale),) if locale is not None else settings.locales
        return [feed_of(link) for link in await list_feeds(locales, settings)]
