"""One entry as a feed item in one locale: the fields every format is built from."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from service.content.enums import EntryKind
from service.content.locales import pick
from service.content.sanitize import sanitize_html
from service.content.urls import entry_url
from service.feeds.entries import FeedEntry
from service.mail.dates import DateFormatter
from service.mail.i18n import translations_for
from service.settings import Settings

# The date in a tag URI names when the authority held the name; fixed so ids never move.
TAG_DATE = "2026"


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class FeedItem:
    entry_id: int
    locale: str  # the translation served: the feed's, or the fallback
    id: str  # stable across re-renders and edits: from the entry's id, never its slug
    title: str
    url: str
    summary: str  # plain text, with the dates of an event or call in front
    content_html: str  # sanitised, with the dates of an event or call in front
    published: datetime
    updated: datetime
    categories: tuple[Category, ...]
    image: str | None


@lru_cache(maxsize=16)
def authority(public_base_url: str) -> str:
    return urlsplit(public_base_url).hostname or "localhost"


def item_id(entry_id: int, locale: str, settings: Settings) -> str:
    """tag:example.org,2026:sq/entry/12 — per language, as each language's text differs."""
    return f"tag:{authority(settings.public_base_url)},{TAG_DATE}:{locale}/entry/{entry_id}"


def dates_of(entry: FeedEntry, locale: str, settings: Settings) -> tuple[tuple[str, str], ...]:
    """What a reader must see of an event or a call without opening it, in `locale`."""
    record = entry.record
    gettext = translations_for(locale).gettext
    dates = DateFormatter(locale, settings.zone)
    lines: list[tuple[str, str]] = []
    if record.kind is EntryKind.EVENT and record.starts_at is not None:
        lines.append((gettext("When"), dates.span(record.starts_at, record.ends_at)))
        place = record.venue or record.online_url
        if place:
            lines.append((gettext("Where"), place))
    elif record.kind is EntryKind.CALL and record.deadline is not None:
        if record.opens_at is not None:
            lines.append((gettext("Opens"), dates.day(record.opens_at)))
        lines.append((gettext("Deadline"), dates.full(record.deadline)))
    return tuple(lines)


def feed_item(entry: FeedEntry, locale: str, settings: Settings) -> FeedItem | None:
    tr = pick(entry.translations, locale, settings)
    if tr is None:
        return None
    record = entry.record
    dates = dates_of(entry, locale, settings)
    facts = "".join(
        f"<p><strong>{html.escape(label)}:</strong> {html.escape(value)}</p>"
        for label, value in dates
    )
    summary = " ".join([*(f"{label}: {value}." for label, value in dates), tr.summary]).strip()
    published = record.published_at or record.updated_at
    return FeedItem(
        entry_id=record.id,
        locale=tr.locale,
        id=item_id(record.id, locale, settings),
        title=tr.title,
        url=entry_url(record.kind, record.id, tr.locale, tr.slug, settings),
        summary=summary,
        # Stored bodies are cleaned on the way in; cleaned again here, as feeds leave the site.
        content_html=facts + sanitize_html(tr.body_html),
        published=published,
        updated=max(record.updated_at, published),
        categories=tuple(
            Category(topic.slug, pick(topic.names, locale, settings) or topic.slug)
            for topic in entry.topics
        ),
        image=record.cover_image_url,
    )
