"""Which feeds exist: streams, formats, their paths under /feeds/ and their titles.

The routes are the public contract of docs/architecture.md §4.

/feeds/{locale}/{stream}.{rss|atom|json}        stream: all, news, events, calls
/feeds/{locale}/topics/{topic-slug}.{rss|atom|json}
/feeds/{locale}/events.ics, /feeds/{locale}/calls.ics
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from service.content.enums import EntryKind
from service.content.locales import pick
from service.content.slugs import MAX_TOPIC_SLUG_LENGTH
from service.mail.i18n import translations_for
from service.settings import Settings


class FeedFormat(str, Enum):
    RSS = "rss"
    ATOM = "atom"
    JSON = "json"
    ICS = "ics"


SYNDICATION_FORMATS = (FeedFormat.RSS, FeedFormat.ATOM, FeedFormat.JSON)
MEDIA_TYPES = {
    FeedFormat.RSS: "application/rss+xml",
    FeedFormat.ATOM: "application/atom+xml",
    FeedFormat.JSON: "application/feed+json",
    FeedFormat.ICS: "text/calendar",
}
# What the responses say: every feed is written in UTF-8.
CONTENT_TYPES = {fmt: f"{media}; charset=utf-8" for fmt, media in MEDIA_TYPES.items()}
# The kinds each named stream lists; () is every kind.
STREAM_KINDS: Mapping[str, tuple[EntryKind, ...]] = {
    "all": (),
    "news": (EntryKind.NEWS,),
    "events": (EntryKind.EVENT,),
    "calls": (EntryKind.CALL,),
}
# A topic's feeds would share the `stream` of a named one: these are no topic slugs.
RESERVED_TOPIC_SLUGS = frozenset(STREAM_KINDS)
# The named stream of each kind alone.
STREAM_OF_KIND = {kinds[0]: name for name, kinds in STREAM_KINDS.items() if len(kinds) == 1}
# The calendars, by the kind they list.
CALENDAR_KINDS: Mapping[str, EntryKind] = {"events": EntryKind.EVENT, "calls": EntryKind.CALL}
CALENDAR_OF_KIND = {kind: name for name, kind in CALENDAR_KINDS.items()}
# Titles, translated through the gettext catalogs of pages and emails.
_LABELS = {
    "all": "Everything",
    "news": "News",
    "events": "Events",
    "calls": "Open calls",
}
_CALENDAR_LABELS = {"events": "Upcoming events", "calls": "Open call deadlines"}


@dataclass(frozen=True, slots=True)
class Stream:
    """What a syndication feed lists: a named stream, or one topic."""

    name: str
    topic: bool = False

    @property
    def path_part(self) -> str:
        return f"topics/{self.name}" if self.topic else self.name

    @property
    def kinds(self) -> tuple[EntryKind, ...]:
        return () if self.topic else STREAM_KINDS[self.name]


NAMED_STREAMS = tuple(Stream(name) for name in STREAM_KINDS)


@dataclass(frozen=True, slots=True)
class FeedKey:
    locale: str
    stream: Stream
    format: FeedFormat

    @property
    def path(self) -> str:
        return f"{self.locale}/{self.stream.path_part}.{self.format.value}"

    @property
    def is_calendar(self) -> bool:
        return self.format is FeedFormat.ICS


def stream_keys(stream: Stream, locale: str) -> list[FeedKey]:
    return [FeedKey(locale, stream, fmt) for fmt in SYNDICATION_FORMATS]


def calendar_key(name: str, locale: str) -> FeedKey:
    return FeedKey(locale, Stream(name), FeedFormat.ICS)


def parse_feed(locale: str, filename: str, *, topic: bool, settings: Settings) -> FeedKey | None:
    """The feed a URL names, or None when no such feed can exist (topics are checked later)."""
    if locale not in settings.locales:
        return None
    name, dot, extension = filename.rpartition(".")
    if not dot or not name:
        return None
    try:
        fmt = FeedFormat(extension)
    except ValueError:
        return None
    if topic:
        ok = fmt is not FeedFormat.ICS and name.isascii() and len(name) <= MAX_TOPIC_SLUG_LENGTH
    elif fmt is FeedFormat.ICS:
        ok = name in CALENDAR_KINDS
    else:
        ok = name in STREAM_KINDS
    return FeedKey(locale, Stream(name, topic), fmt) if ok else None


def key_of_path(path: str, settings: Settings) -> FeedKey | None:
    """The feed a stored path names (the inverse of FeedKey.path)."""
    locale, _, rest = path.partition("/")
    topic = rest.startswith("topics/")
    return parse_feed(locale, rest.removeprefix("topics/"), topic=topic, settings=settings)


def feed_url(key: FeedKey, settings: Settings) -> str:
    return f"{settings.public_base_url.rstrip('/')}/feeds/{key.path}"


def feed_title(
    key: FeedKey, settings: Settings, topic_names: Mapping[str, str] | None = None
) -> str:
    """'<SITE_NAME> — Lajme'; a topic's feed is named by the topic, in the feed's language."""
    gettext = translations_for(key.locale).gettext
    name = key.stream.name
    if key.stream.topic:
        label = pick(topic_names or {}, key.locale, settings) or name
    elif key.is_calendar:
        label = gettext(_CALENDAR_LABELS[name])
    else:
        label = gettext(_LABELS[name])
    return f"{settings.site_name} — {label}"


@dataclass(frozen=True, slots=True)
class FeedLink:
    """One feed as the `feeds` query lists it, for <link rel="alternate"> tags."""

    url: str
    title: str
    locale: str
    format: FeedFormat
    stream: str


def feed_links(
    locales: tuple[str, ...], topics: Mapping[str, Mapping[str, str]], settings: Settings
) -> list[FeedLink]:
    """Every feed of these locales: named streams, calendars, then one per topic."""
    links: list[FeedLink] = []
    for locale in locales:
        keys = [key for stream in NAMED_STREAMS for key in stream_keys(stream, locale)]
        keys += [calendar_key(name, locale) for name in CALENDAR_KINDS]
        keys += [key for slug in topics for key in stream_keys(Stream(slug, True), locale)]
        for key in keys:
            names = topics.get(key.stream.name) if key.stream.topic else None
            links.append(
                FeedLink(
                    url=feed_url(key, settings),
                    title=feed_title(key, settings, names),
                    locale=locale,
                    format=key.format,
                    stream=key.stream.name,
                )
            )
    return links
