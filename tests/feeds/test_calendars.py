"""events.ics and calls.ics: each upcoming event and open call once, at the right UTC time,
and an event taken down before it happens shown as cancelled for a while."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from icalendar import Calendar, Event
from icalendar.parser import unescape_backslash

from service.content.enums import EntryKind
from service.content.publishing import publish_entry, unpublish_entry
from service.feeds.rendering import refresh_calendars, refresh_for_entry
from service.settings import Settings
from service.staff.actors import SYSTEM
from tests.factories import days, entry, now


def _moment(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


async def events_of(client: httpx.AsyncClient, path: str) -> list[Event]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    calendar = Calendar.from_ical(response.content)
    return [event for event in calendar.walk("VEVENT") if isinstance(event, Event)]


def by_uid(events: list[Event]) -> dict[str, Event]:
    uids = [str(event["UID"]) for event in events]
    assert len(uids) == len(set(uids)), uids  # each one once
    return dict(zip(uids, events, strict=True))


async def test_events_ics_lists_each_upcoming_event_once_at_its_time(
    client: httpx.AsyncClient,
) -> None:
    starts = now() + days(5)
    ends = starts + timedelta(hours=3)
    soon = await entry(
        "Trajnim në Korçë",
        en="Training in Korçë",
        kind=EntryKind.EVENT,
        starts_at=starts,
        ends_at=ends,
        venue="Qendra Kulturore, Korçë",
    )
    later = await entry("Forum rinor", kind=EntryKind.EVENT, starts_at=now() + days(40))
    await entry("Ngjarje e kaluar", kind=EntryKind.EVENT, starts_at=now() - days(2))
    await entry("Ngjarje në draft", kind=EntryKind.EVENT, publish=False)
    await entry("Lajm", kind=EntryKind.NEWS)

    events = by_uid(await events_of(client, "/feeds/en/events.ics"))
    assert set(events) == {f"event-{soon.id}-en@127.0.0.1", f"event-{later.id}-en@127.0.0.1"}
    training = events[f"event-{soon.id}-en@127.0.0.1"]
    assert str(training["SUMMARY"]) == "Training in Korçë"
    assert training.decoded("DTSTART") == _moment(starts)
    assert training.decoded("DTEND") == _moment(ends)
    assert training.decoded("DTSTART").tzinfo is not None
    assert str(training["LOCATION"]) == "Qendra Kulturore, Korçë"
    assert str(training["URL"]) == "https://example.org/en/event/training-in-korce"
    assert str(training["STATUS"]) == "CONFIRMED"

    albanian = by_uid(await events_of(client, "/feeds/sq/events.ics"))
    assert str(albanian[f"event-{soon.id}-sq@127.0.0.1"]["SUMMARY"]) == "Trajnim në Korçë"


async def test_calls_ics_lists_each_open_call_at_its_deadline(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    deadline = now() + days(12)
    call = await entry(
        "Thirrje për grante", en="Call for grants", kind=EntryKind.CALL, deadline=deadline
    )
    short = await entry("Thirrje e shkurtër", kind=EntryKind.CALL, deadline=now() + days(1))
    await entry("Thirrje në draft", kind=EntryKind.CALL, publish=False)

    calls = by_uid(await events_of(client, "/feeds/en/calls.ics"))
    assert set(calls) == {f"call-{call.id}-en@127.0.0.1", f"call-{short.id}-en@127.0.0.1"}
    grants = calls[f"call-{call.id}-en@127.0.0.1"]
    assert grants.decoded("DTSTART") == _moment(deadline)
    assert "Call for grants" in str(grants["SUMMARY"])
    assert "Deadline" in str(grants["SUMMARY"])

    # Two days on, the short call has closed: the calendar cron drops it.
    await refresh_calendars(settings, now=now() + days(2))
    calls = by_uid(await events_of(client, "/feeds/en/calls.ics"))
    assert set(calls) == {f"call-{call.id}-en@127.0.0.1"}


async def test_an_event_taken_down_before_it_happens_stays_as_cancelled_for_a_while(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    event = await entry(
        "Konferencë", en="Conference", kind=EntryKind.EVENT, starts_at=now() + days(60)
    )
    uid = f"event-{event.id}-en@127.0.0.1"
    listed = by_uid(await events_of(client, "/feeds/en/events.ics"))[uid]
    assert listed.sequence == 0

    await unpublish_entry(event.id, actor=SYSTEM)
    await refresh_for_entry(event.id, settings)
    cancelled = by_uid(await events_of(client, "/feeds/en/events.ics"))[uid]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled.sequence > listed.sequence
    assert cancelled.decoded("DTSTART") == listed.decoded("DTSTART")

    await refresh_calendars(settings)  # the cron changes nothing about it
    again = by_uid(await events_of(client, "/feeds/en/events.ics"))[uid]
    assert str(again["STATUS"]) == "CANCELLED"
    assert again.sequence == cancelled.sequence

    await publish_entry(
        event.id, actor=SYSTEM
    )  # back on: subscribers get it confirmed, newer still
    await refresh_for_entry(event.id, settings)
    back = by_uid(await events_of(client, "/feeds/en/events.ics"))[uid]
    assert str(back["STATUS"]) == "CONFIRMED"
    assert back.sequence > cancelled.sequence

    await unpublish_entry(event.id, actor=SYSTEM)
    await refresh_for_entry(event.id, settings)
    later = now() + days(settings.calendar_cancelled_days + 1)
    await refresh_calendars(settings, now=later)
    assert uid not in by_uid(await events_of(client, "/feeds/en/events.ics"))


async def test_a_past_event_leaves_the_calendar_without_a_cancellation(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    event = await entry("Takim", kind=EntryKind.EVENT, starts_at=now() + days(1))
    assert len(await events_of(client, "/feeds/sq/events.ics")) == 1
    await refresh_calendars(settings, now=now() + days(2))
    assert await events_of(client, "/feeds/sq/events.ics") == []
    await unpublish_entry(event.id, actor=SYSTEM)  # over already: nothing to announce
    await refresh_for_entry(event.id, settings, now=now() + days(2))
    assert await events_of(client, "/feeds/sq/events.ics") == []


async def test_the_calendar_name_escapes_the_commas_of_the_site_name(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    site = 'Bashkitë për Evropën, "AKKSHI" (Tiranë); Shkodër\\Lezhë'
    await entry("Punëtori", kind=EntryKind.EVENT)
    await refresh_calendars(settings.model_copy(update={"site_name": site}))
    response = await client.get("/feeds/sq/events.ics")
    assert response.status_code == 200
    unfolded = response.content.decode("utf-8").replace("\r\n ", "")
    [line] = [line for line in unfolded.splitlines() if line.startswith("X-WR-CALNAME")]
    escaped = site.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    assert line.startswith(f"X-WR-CALNAME:{escaped} — ")  # RFC 5545 §3.3.11 TEXT
    # icalendar keeps an X- property raw; reading it as TEXT gives the name back whole.
    raw = Calendar.from_ical(response.content)["X-WR-CALNAME"].to_ical()
    assert isinstance(raw, bytes)
    assert unescape_backslash(raw.decode("utf-8")).startswith(f"{site} — ")
