"""Autodiscovery: every feed there is, for frontends' <link rel="alternate"> tags."""

from __future__ import annotations

from service.feeds import entries
from service.feeds.streams import FeedLink, feed_links
from service.settings import Settings


async def list_feeds(locales: tuple[str, ...], settings: Settings) -> list[FeedLink]:
    return feed_links(locales, await entries.topic_names(), settings)
