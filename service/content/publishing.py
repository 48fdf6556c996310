"""Publication states and the moves between them (Wagtail's draft-state model, smaller).

draft ──publish──► published ──unpublish──► draft
  │  ▲                 │
  │  └──unpublish──┐   └──archive──► archived ──publish──► published
  └──schedule──► scheduled ──(publish_at comes: publish_due)──► published
                     └──(it cannot be published then)──► draft, and the scheduler is told
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from service.audit.log import record
from service.audit.models import AuditEvent
from service.content.actions import bump_content_version, lock_entry
from service.content.enums import EntryStatus
from service.content.errors import ContentError, ContentErrorCode
from service.content.models import Entry
from service.content.permissions import require_editor
from service.content.validation import closed_call_error, time_errors
from service.outbox.events import (
    ENTRY_ARCHIVED,
    ENTRY_PUBLISHED,
    ENTRY_SCHEDULE_FAILED,
    ENTRY_UNPUBLISHED,
    emit,
)
from service.staff.actors import SYSTEM, staff_of

if TYPE_CHECKING:
    from service.staff.actors import Actor


def _refuse(message: str) -> ContentError:
    return ContentError.single(ContentErrorCode.INVALID_TRANSITION, message, "id")


def _check_call_still_open(entry: Entry, moment: datetime) -> None:
    error = closed_call_error(entry.kind, entry.deadline, moment)
    if error is not None:
        raise ContentError([error])


async def _publish_locked(entry: Entry, actor: Actor, moment: datetime) -> None:
    if entry.status is EntryStatus.PUBLISHED:
        raise _refuse("The entry is already published.")
    _check_call_still_open(entry, moment)
    first = entry.first_published_at is None
    entry.status = EntryStatus.PUBLISHED
    entry.published_at = moment
    entry.publish_at = None
    entry.submitted_at = None
    if first:
        entry.first_published_at = moment
    if (staff := staff_of(actor)) is not None:
        entry.updated_by = staff
    await entry.save()
    # One event per publication; the notice worker sends notices only when `first` is true,
    # naming who published (None: the scheduler) without reading the audit log back.
    await emit(
        ENTRY_PUBLISHED,
        entry_id=entry.id,
        first=first,
        actor_id=staff.id if staff is not None else None,
    )
    await record(actor, "entry.published", entry_id=entry.id, details={"first": first})
    await bump_content_version()


async def publish_entry(entry_id: int, *, actor: Actor, at: datetime | None = None) -> Entry:
    """Make an entry public now. `at` backdates publication (imports, demo content)."""
    require_editor(actor, "publish")
    now = datetime.now(UTC)
    moment = at or now
    if moment > now:
        raise ContentError.single(
            ContentErrorCode.INVALID, "To publish later, schedule the entry.", "publishAt"
        )
    async with in_transaction():
        entry = await lock_entry(entry_id)
        await _publish_locked(entry, actor, moment)
    return entry


async def schedule_entry(entry_id: int, publish_at: datetime, *, actor: Actor) -> Entry:
    """Publish by itself at `publish_at` (the scheduler's sweep calls publish_due)."""
    require_editor(actor, "schedule")
    if errors := time_errors(publish_at, "publishAt"):
        raise ContentError(errors)
    if publish_at <= datetime.now(UTC):
        raise ContentError.single(
            ContentErrorCode.INVALID, "The publication time must be in the future.", "publishAt"
        )
    async with in_transaction():
        entry = await lock_entry(entry_id)
        if entry.status is EntryStatus.PUBLISHED:
            raise _refuse("The entry is already published; unpublish it first.")
        _check_call_still_open(entry, publish_at)
        entry.status = EntryStatus.SCHEDULED
        entry.publish_at = publish_at
        if (staff := staff_of(actor)) is not None:
            entry.updated_by = staff
        await entry.save()
        await record(
            actor,
            "entry.scheduled",
            entry_id=entry.id,
            details={"publish_at": publish_at.isoformat()},
        )
    return entry


async def _take_down(
    entry_id: int,
    actor: Actor,
    *,
    to: EntryStatus,
    allowed: tuple[EntryStatus, ...],
    refusal: str,
    action: str,
    topic: str,
) -> Entry:
    """Move an entry out of publication; the public only hears of it if it was published."""
    async with in_transaction():
        entry = await lock_entry(entry_id)
        was = entry.status
        if was not in allowed:
            raise _refuse(refusal)
        entry.status = to
        entry.publish_at = None
        if (staff := staff_of(actor)) is not None:
            entry.updated_by = staff
        await entry.save()
        await record(actor, action, entry_id=entry.id, details={"was": was.value})
        if was is EntryStatus.PUBLISHED:
            await emit(topic, entry_id=entry.id)
            await bump_content_version()
    return entry


async def unpublish_entry(entry_id: int, *, actor: Actor) -> Entry:
    """Back to draft: a published entry leaves the public, a scheduled one is unscheduled."""
    require_editor(actor, "unpublish")
    return await _take_down(
        entry_id,
        actor,
        to=EntryStatus.DRAFT,
        allowed=(EntryStatus.PUBLISHED, EntryStatus.SCHEDULED),
        refusal="Only a published or scheduled entry can be unpublished.",
        action="entry.unpublished",
        topic=ENTRY_UNPUBLISHED,
    )


async def archive_entry(entry_id: int, *, actor: Actor) -> Entry:
    """Out of every list for good, but kept (publishing it again is still possible)."""
    require_editor(actor, "archive")
    return await _take_down(
        entry_id,
        actor,
        to=EntryStatus.ARCHIVED,
        allowed=(EntryStatus.DRAFT, EntryStatus.SCHEDULED, EntryStatus.PUBLISHED),
        refusal="The entry is already archived.",
        action="entry.archived",
        topic=ENTRY_ARCHIVED,
    )


async def due_entry_ids(now: datetime) -> list[int]:
    """Scheduled entries whose time has come (the sweep's dry run)."""
    rows = (
        await Entry.filter(status=EntryStatus.SCHEDULED, publish_at__lte=now)
        .order_by("publish_at", "id")
        .values("id")
    )
    return [int(row["id"]) for row in rows]


async def _scheduled_by(entry_id: int) -> int | None:
    """Who scheduled the entry last: the person to tell when its publication fails."""
    rows = (
        await AuditEvent.filter(entry_id=entry_id, action="entry.scheduled")
        .order_by("-id")
        .limit(1)
        .values("actor_id")
    )
    return int(rows[0]["actor_id"]) if rows and rows[0]["actor_id"] is not None else None


async def _fail_schedule(entry: Entry, reason: str) -> None:
    """Back to draft, so the sweep stops retrying; the scheduler hears of it once."""
    entry.status = EntryStatus.DRAFT
    entry.publish_at = None
    await entry.save()
    staff_id = await _scheduled_by(entry.id)
    await record(SYSTEM, "entry.schedule_failed", entry_id=entry.id, details={"reason": reason})
    await emit(ENTRY_SCHEDULE_FAILED, entry_id=entry.id, staff_id=staff_id, reason=reason)


async def publish_due(now: datetime | None = None) -> list[int]:
    """Publish every scheduled entry whose time has come; safe to run twice or concurrently.

    An entry that cannot be published (a call whose deadline passed while it waited) goes
    back to draft in the same transaction, and whoever scheduled it is told.
    """
    moment = now or datetime.now(UTC)
    published: list[int] = []
    for entry_id in await due_entry_ids(moment):
        async with in_transaction():
            entry = await lock_entry(entry_id)
            # Re-checked under the lock: an editor may have unscheduled it meanwhile.
            if entry.status is not EntryStatus.SCHEDULED or entry.publish_at is None:
                continue
            if entry.publish_at > moment:
                continue
            at = min(entry.publish_at, moment)
            try:
                _check_call_still_open(entry, at)
            except ContentError as exc:
                await _fail_schedule(entry, str(exc))
                continue
            await _publish_locked(entry, SYSTEM, at)
        published.append(entry_id)
    return published
