"""The Feed type (docs/architecture.md §4): one feed, for <link rel="alternate"> tags."""

from __future__ import annotations

import strawberry

from service.feeds.streams import FeedLink


@strawberry.type
class Feed:
    url: str
    title: str
    locale: str
    format: str = strawberry.field(description="rss, atom, json or ics.")
    stream: str = strawberry.field(description="all, news, events, calls, or a topic slug.")


def feed_of(link: FeedLink) -> Feed:
    return Feed(
        url=link.url,
        title=link.title,
        locale=link.locale,
        format=link.format.value,
        stream=link.stream,
    )
