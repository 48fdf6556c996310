"""iCalendar feeds: upcoming events, and the deadlines of open calls (RFC 5545).

Times are written in UTC; the organisation's zone names the calendar (X-WR-TIMEZONE) and
formats the dates in the descriptions. A calendar remembers what it listed
(CalendarItem): an entry taken down before it happens stays, as STATUS:CANCELLED with a
higher SEQUENCE, for `calendar_cancelled_days`, so subscribed calendars show the
cancellation instead of an event that silently vanished.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vText
from tortoise.expressions import F

from service.content.enums import EntryKind, EntryStatus
from service.feeds import entries
from service.feeds.entries import FeedEntry
from service.feeds.items import authority, feed_item
from service.feeds.models import CalendarItem
from service.feeds.streams import FeedKey, feed_title
from service.mail.i18n import translations_for
from service.settings import Settings

log = logging.getLogger("buletin.feeds")
# Far more than any organisation has ahead at once; a bound so one render stays one read.
CALENDAR_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Listing:
    entry: FeedEntry
    sequence: int
    cancelled_at: datetime | None = None


def fingerprint(entry: FeedEntry) -> str:
    # Every save moves updated_at: any edit is a change subscribers should take over.
    return hashlib.sha256(entry.record.updated_at.isoformat().encode()).hexdigest()[:32]


def _when(entry: FeedEntry) -> datetime | None:
    record = entry.record
    return record.starts_at if record.kind is EntryKind.EVENT else record.deadline


def _cancellable(entry: FeedEntry, now: datetime) -> bool:
    """Taken down before it happens: subscribers must hear it is off."""
    when = _when(entry)
    return entry.record.status is not EntryStatus.PUBLISHED and when is not None and when > now


async def sync(kind: EntryKind, settings: Settings, now: datetime) -> list[Listing]:
    """What the calendar of `kind` lists now: the entries ahead, then recent cancellations
    (in a stable order: the same state renders the same bytes)."""
    listed = await entries.ahead(kind, limit=CALENDAR_LIMIT, now=now)
    known = {
        item.entry_id: item  # type: ignore[attr-defined]
        for item in await CalendarItem.filter(entry__kind=kind).order_by("id")
    }
    listings: list[Listing] = []
    new: list[CalendarItem] = []
    for ahead in listed:
        item = known.pop(ahead.record.id, None)
        mark = fingerprint(ahead)
        if item is None:
            new.append(CalendarItem(entry_id=ahead.record.id, fingerprint=mark))
            listings.append(Listing(ahead, 0))
        elif item.cancelled_at is not None or item.fingerprint != mark:
            await CalendarItem.filter(id=item.id).update(
                sequence=F("sequence") + 1, fingerprint=mark, cancelled_at=None
            )
            listings.append(Listing(ahead, item.sequence + 1))
        else:
            listings.append(Listing(ahead, item.sequence))
    if new:
        # Another render may have listed some in the meantime: theirs stay.
        await CalendarItem.bulk_create(new, ignore_conflicts=True)
    # What it listed before and lists no more: taken down ahead of time, or simply past.
    gone = {entry.record.id: entry for entry in await entries.any_status(list(known))}
    keep_until = now - timedelta(days=settings.calendar_cancelled_days)
    cancelled: list[int] = []
    dropped: list[int] = []
    for entry_id, item in known.items():
        entry = gone.get(entry_id)
        if entry is None or not _cancellable(entry, now):
            dropped.append(item.id)
        elif item.cancelled_at is None:
            cancelled.append(item.id)
            log.info("feeds.calendar_cancelled entry=%s", entry_id)
            listings.append(Listing(entry, item.sequence + 1, now))
        elif item.cancelled_at < keep_until:
            dropped.append(item.id)
        else:
            listings.append(Listing(entry, item.sequence, item.cancelled_at))
    if cancelled:
        await CalendarItem.filter(id__in=cancelled).update(
            sequence=F("sequence") + 1, cancelled_at=now
        )
    if dropped:
        await CalendarItem.filter(id__in=dropped).delete()
    return listings


def render(key: FeedKey, listings: Sequence[Listing], settings: Settings) -> bytes:
    locale = key.locale
    gettext = translations_for(locale).gettext
    host = authority(settings.public_base_url)
    calendar = Calendar()
    calendar.add("prodid", f"-//Buletin//{key.stream.name}//{locale.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # An X- property is of unknown type to icalendar, which would write it unescaped: a
    # comma in SITE_NAME must go out as "\," (TEXT, RFC 5545 §3.3.11).
    calendar.add("x-wr-calname", vText(feed_title(key, settings)))
    calendar.add("x-wr-timezone", settings.timezone)
    for listing in listings:
        item = feed_item(listing.entry, locale, settings)
        when = _when(listing.entry)
        if item is None or when is None:
            continue
        record = listing.entry.record
        event = Event()
        event.add("uid", f"{record.kind.value}-{record.id}-{locale}@{host}")
        event.add("sequence", listing.sequence)
        stamp = (listing.cancelled_at or item.updated).astimezone(UTC)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        title = item.title
        if record.kind is EntryKind.CALL:
            title = f"{gettext('Deadline')}: {item.title}"
        event.add("summary", title, parameters={"LANGUAGE": item.locale})
        event.add("dtstart", when.astimezone(UTC))
        if record.kind is EntryKind.EVENT and record.ends_at and record.ends_at > when:
            event.add("dtend", record.ends_at.astimezone(UTC))
        place = record.venue or record.online_url
        if place:
            event.add("location", place)
        event.add("url", item.url)
        event.add("description", f"{item.summary}\n\n{item.url}".strip())
        if item.categories:
            event.add("categories", [category.name for category in item.categories])
        event.add("status", "CANCELLED" if listing.cancelled_at else "CONFIRMED")
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body
