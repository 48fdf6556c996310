"""Composing a digest: its period, what it carries, and who gets which part of it.

A digest's period runs from the end of the previous digest of its frequency (or one day
/ seven days back when there is none) to now. It carries what was first published in the
period (news, events, calls), plus events starting and calls closing in the next 14
days, which ride along but never make a digest on their own: nothing new, no digest
(NOTHING_TO_SEND). Each subscriber gets the part that matches their kinds and topics
(empty: everything), and no mail when nothing new matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from service.audience.digest_errors import DigestError, DigestErrorCode
from service.audience.enums import DigestFrequency
from service.audience.models import Digest
from service.audit.log import record
from service.content.enums import EntryKind, EntryStatus
from service.content.models import Entry
from service.outbox.events import DIGEST_PLANNED, emit
from service.staff.actors import Actor
from service.staff.enums import StaffRole
from service.staff.roles import require_actor_role

UPCOMING = timedelta(days=14)
PERIODS = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}
# The sections of a digest, in the order a reader sees them; stored as Digest.content.
NEW, EVENTS, CALLS = "new", "events", "calls"
SECTIONS = (NEW, EVENTS, CALLS)


@dataclass(frozen=True)
class Item:
    """One entry of a digest, with what subscribers choose by."""

    id: int
    kind: str
    topics: frozenset[str]


@dataclass(frozen=True)
class Selection:
    """The entry ids one subscriber gets, per section; hashable, so it keys a render."""

    new: tuple[int, ...]
    events: tuple[int, ...]
    calls: tuple[int, ...]

    def __bool__(self) -> bool:
        return bool(self.new)  # ride-alongs alone make no mail

    def sections(self) -> dict[str, tuple[int, ...]]:
        return {NEW: self.new, EVENTS: self.events, CALLS: self.calls}


@dataclass(frozen=True)
class Contents:
    """A digest's entries per section, with their kinds and topics."""

    sections: dict[str, tuple[Item, ...]]

    def everything(self) -> Selection:
        return self.select((), ())

    def select(self, kinds: Iterable[str], topics: Iterable[str]) -> Selection:
        wanted_kinds, wanted_topics = frozenset(kinds), frozenset(topics)

        def keep(item: Item) -> bool:
            if wanted_kinds and item.kind not in wanted_kinds:
                return False
            return not wanted_topics or bool(item.topics & wanted_topics)

        picked = {
            name: tuple(i.id for i in items if keep(i)) for name, items in self.sections.items()
        }
        return Selection(picked.get(NEW, ()), picked.get(EVENTS, ()), picked.get(CALLS, ()))


async def period_for(frequency: DigestFrequency, now: datetime) -> tuple[datetime, datetime]:
    previous = await Digest.filter(frequency=frequency).order_by("-period_end").first()
    start = previous.period_end if previous is not None else now - PERIODS[frequency]
    return start, now


async def find_content(start: datetime, end: datetime) -> dict[str, list[int]]:
    """Entry ids per section: new in (start, end], then what rides along from `end` on."""
    published = Entry.filter(status=EntryStatus.PUBLISHED)
    new = (
        await published.filter(first_published_at__gt=start, first_published_at__lte=end)
        .order_by("first_published_at", "id")
        .values_list("id", flat=True)
    )
    events = (
        await published.filter(
            kind=EntryKind.EVENT, starts_at__gte=end, starts_at__lte=end + UPCOMING
        )
        .exclude(id__in=list(new) or [0])
        .order_by("starts_at", "id")
        .values_list("id", flat=True)
    )
    calls = (
        await published.filter(kind=EntryKind.CALL, deadline__gte=end, deadline__lte=end + UPCOMING)
        .exclude(id__in=list(new) or [0])
        .order_by("deadline", "id")
        .values_list("id", flat=True)
    )
    return {NEW: _ids(new), EVENTS: _ids(events), CALLS: _ids(calls)}


def _ids(values: Iterable[Any]) -> list[int]:
    return [int(value) for value in values]


async def load_contents(content: dict[str, list[int]]) -> Contents:
    """The stored ids with each entry's kind and topics, in one query."""
    ids = sorted({i for section in SECTIONS for i in content.get(section, [])})
    kinds: dict[int, object] = {}
    topics: dict[int, set[str]] = {}
    if ids:
        # A row per (entry, topic); an entry without topics comes once, with no slug.
        rows = await Entry.filter(id__in=ids).values_list("id", "kind", "topics__slug")
        for entry_id, kind, slug in rows:
            kinds[int(entry_id)] = kind
            slugs = topics.setdefault(int(entry_id), set())
            if slug is not None:
                slugs.add(str(slug))
    sections = {
        name: tuple(
            Item(i, _kind_value(kinds[i]), frozenset(topics[i]))
            for i in content.get(name, [])
            if i in kinds  # deleted since: gone from the digest too
        )
        for name in SECTIONS
    }
    return Contents(sections)


def _kind_value(kind: object) -> str:
    return kind.value if isinstance(kind, EntryKind) else str(kind)


def check_staff(actor: Actor) -> None:
    """Digest tools are for editors and admins, and the system (the crons)."""
    require_actor_role(actor, StaffRole.EDITOR)


async def compose(
    frequency: DigestFrequency, now: datetime
) -> tuple[datetime, dict[str, list[int]]]:
    """The period's start and its content, or NOTHING_TO_SEND; writes nothing."""
    start, end = await period_for(frequency, now)
    content = await find_content(start, end)
    if not content[NEW]:
        raise DigestError.single(
            DigestErrorCode.NOTHING_TO_SEND,
            "Nothing was published since the last digest of this frequency.",
            "frequency",
        )
    return start, content


async def plan_digest(
    frequency: DigestFrequency, *, actor: Actor, now: datetime | None = None
) -> Digest:
    """A new digest of this frequency, its content fixed, and the outbox event that has a
    worker freeze its audience and send it (service/audience/digest_sending.py)."""
    check_staff(actor)
    moment = now or datetime.now(UTC)
    try:
        async with in_transaction():
            # Two planners at once (the cron and sendDigestNow): the previous digest's row
            # lock makes the second wait, and then find its period empty. compose reads the
            # previous digest again on purpose: once the lock is free, this locked row is
            # still the old one, and only a new read sees the digest the first one created.
            await (
                Digest.filter(frequency=frequency)
                .order_by("-period_end")
                .select_for_update()
                .first()
            )
            start, content = await compose(frequency, moment)
            digest = await Digest.create(
                frequency=frequency, period_start=start, period_end=moment, content=content
            )
            # The workers freeze its audience and send it (workers/digests.py).
            await emit(DIGEST_PLANNED, digest_id=digest.id)
            # An editor's sendDigestNow, or the schedule's (a null actor).
            await record(
                actor,
                "digest.planned",
                target=f"digest:{digest.id}",
                details={"frequency": frequency.value},
            )
        return digest
    except IntegrityError as exc:  # another planner took this very moment
        raise DigestError.single(
            DigestErrorCode.NOTHING_TO_SEND, "This digest is being sent already.", "frequency"
        ) from exc


BILINGUAL = "bilingual"


def variant_for(locales: Sequence[str], settings_locales: Sequence[str]) -> str:
    """A subscriber's language variant: their one locale, or "bilingual" for several."""
    chosen = [locale for locale in settings_locales if locale in locales]
    if len(chosen) >= 2:
        return BILINGUAL
    return chosen[0] if chosen else settings_locales[0]


def variant_locales(variant: str, settings_locales: Sequence[str]) -> tuple[str, ...] | None:
    """The locales a variant shows, side by side; None for a variant that does not exist."""
    if variant == BILINGUAL:
        return tuple(settings_locales[:2]) if len(settings_locales) >= 2 else None
    return (variant,) if variant in settings_locales else None
