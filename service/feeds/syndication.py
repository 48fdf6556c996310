"""RSS 2.0 and Atom with feedgen, and JSON Feed 1.1, from the same items.

The bytes depend on the items only (no render time in them), so rendering an unchanged
feed again gives the same ETag.
"""

from __future__ import annotations

import html
import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from service.feeds.items import FeedItem
from service.feeds.streams import MEDIA_TYPES, FeedFormat

ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# An empty feed still needs an `updated`; a fixed one keeps its bytes stable.
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FeedMeta:
    id: str
    locale: str
    title: str
    description: str
    author: str  # SITE_NAME: the organisation publishes every entry
    home_url: str
    # This feed in each format, and its twins in the other languages (locale → format → url).
    urls: Mapping[FeedFormat, str]
    twins: Mapping[str, Mapping[FeedFormat, str]]


class _TwinLinks(BaseExtension):  # type: ignore[misc]
    """RSS gets only its self link from feedgen; the twins go in as atom:link too."""

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def extend_ns(self) -> dict[str, str]:
        return {"atom": ATOM_NS}

    def extend_rss(self, feed: Any) -> Any:
        channel = feed.find("channel")
        for link in self.links:
            etree.SubElement(channel, f"{{{ATOM_NS}}}link", **link)
        return feed


class _Cover(BaseEntryExtension):  # type: ignore[misc]
    """The cover image as an enclosure.

    feedgen 1.0 drops rel/type from an Atom entry's links, which would turn the enclosure
    into a second alternate link; this writes it whole in both formats.
    """

    def __init__(self) -> None:
        self.url: str | None = None
        self.type = "image/jpeg"

    def extend_rss(self, item: Any) -> Any:
        if self.url:
            etree.SubElement(item, "enclosure", url=self.url, length="0", type=self.type)
        return item

    def extend_atom(self, entry: Any) -> Any:
        if self.url:
            etree.SubElement(entry, "link", rel="enclosure", href=self.url, type=self.type)
        return entry


class _NoFeedPart(BaseExtension):  # type: ignore[misc]
    pass


def image_type(url: str) -> str:
    guessed, _ = mimetypes.guess_type(url.split("?", 1)[0])
    return guessed if guessed and guessed.startswith("image/") else "image/jpeg"


def feed_updated(items: Sequence[FeedItem]) -> datetime:
    return max((item.updated for item in items), default=EMPTY_FEED_UPDATED)


def _generator(meta: FeedMeta, items: Sequence[FeedItem], fmt: FeedFormat) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("twins", _TwinLinks, None, atom=False, rss=True)
    fg.register_extension("cover", _NoFeedPart, _Cover)
    fg.id(meta.id)
    fg.title(meta.title)
    fg.description(meta.description)
    fg.language(meta.locale)
    fg.generator("Buletin")
    # RFC 4287 §4.1.1: a feed names an author unless every entry does; ours are the site's.
    fg.author(name=meta.author)
    updated = feed_updated(items)
    fg.updated(updated)
    fg.lastBuildDate(updated)
    fg.link(href=meta.urls[fmt], rel="self", type=MEDIA_TYPES[fmt])
    for locale, urls in meta.twins.items():
        twin = {"href": urls[fmt], "rel": "alternate", "type": MEDIA_TYPES[fmt], "hreflang": locale}
        fg.twins.links.append(twin)
        fg.link(**twin)
    # Last: RSS's channel <link> is the last link given, and should be the website.
    fg.link(href=meta.home_url, rel="alternate", type="text/html", hreflang=meta.locale)
    for item in items:
        fe = fg.add_entry(order="append")  # items come newest first
        fe.id(item.id)
        fe.title(item.title)
        fe.link(href=item.url)
        fe.content(item.content_html, type="html")
        # The summary is plain text. Atom says so (type="text"); RSS readers take every
        # description for HTML, so there it is escaped once more, or "<shenja>" vanishes.
        fe.summary(
            html.escape(item.summary, quote=False) if fmt is FeedFormat.RSS else item.summary
        )
        fe.published(item.published)
        fe.updated(item.updated)
        for category in item.categories:
            fe.category(term=category.slug, label=category.name)
        if item.image:
            fe.cover.url = item.image
            fe.cover.type = image_type(item.image)
    return fg


def render_rss(meta: FeedMeta, items: Sequence[FeedItem]) -> bytes:
    body: bytes = _generator(meta, items, FeedFormat.RSS).rss_str(pretty=True)
    return body


def render_atom(meta: FeedMeta, items: Sequence[FeedItem]) -> bytes:
    # The twins are plain Atom feed links here; RSS needs the extension for them.
    body: bytes = _generator(meta, items, FeedFormat.ATOM).atom_str(pretty=True)
    return body


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def render_json(meta: FeedMeta, items: Sequence[FeedItem]) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": meta.title,
        "home_page_url": meta.home_url,
        "feed_url": meta.urls[FeedFormat.JSON],
        "description": meta.description,
        "language": meta.locale,
        "items": [_json_item(item) for item in items],
    }
    return orjson.dumps(feed, option=orjson.OPT_INDENT_2)


def _json_item(item: FeedItem) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item.id,
        "url": item.url,
        "title": item.title,
        "content_html": item.content_html,
        "summary": item.summary,
        "date_published": _rfc3339(item.published),
        "date_modified": _rfc3339(item.updated),
        "language": item.locale,
    }
    if item.image:
        out["image"] = item.image
    if item.categories:
        out["tags"] = [category.name for category in item.categories]
    return out


RENDERERS = {FeedFormat.RSS: render_rss, FeedFormat.ATOM: render_atom, FeedFormat.JSON: render_json}
