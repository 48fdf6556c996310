"""Publication states and the moves between them (Wagtail's draft-state model, smaller).

draft ──publish──► published ──unpublish──► draft
  │  ▲                 │
  │  └──unpublish──┐   └──archive──► archived ──publish──► published
  └──schedule──► scheduled ──(publish_at comes: publish_due)──► published
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from service.audit.log import record
from service.content.actions import bump_content_version, lock_entry
from service.content.enums import EntryKind, EntryStatus
from service.content.errors import ContentError, ContentErrorCode
from service.content.models import Entry
from service.content.permissions import require_editor
from service.outbox.events import ENTRY_ARCHIVED, ENTRY_PUBLISHED, ENTRY_UNPUBLISHED, emit

if TYPE_CHECKING:
    from service.staff.models import StaffUser


def _refuse(message: str) -> ContentError:
    return ContentError.single(ContentErrorCode.INVALID_TRANSITION, message, "id")


def _check_call_still_open(entry: Entry, moment: datetime) -> None:
    if entry.kind is EntryKind.CALL and entry.deadline is not None and entry.deadline < moment:
        raise ContentError.single(
            ContentErrorCode.INVALID,
            "The call's deadline is before its publication; move the deadline first.",
            "deadline",
        )


async def _publish_locked(entry: Entry, actor: StaffUser | None, moment: datetime) -> None:
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
    if actor is not None:
        entry.updated_by = actor
    await entry.save()
    # One event per publication; the notice worker sends notices only when `first` is true,
    # naming who published (None: the scheduler) without reading the audit log back.
    await emit(
        ENTRY_PUBLISHED,
        entry_id=entry.id,
        first=first,
        actor_id=actor.id if actor is not None else None,
    )
    await record(actor, "entry.published", entry_id=entry.id, details={"first": first})
    await bump_content_version()


async def publish_entry(
    entry_id: int, *, actor: StaffUser | None = None, at: datetime | None = None
) -> Entry:
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


async def schedule_entry(
    entry_id: int, publish_at: datetime, *, actor: StaffUser | None = None
) -> Entry:
    """Publish by itself at `publish_at` (the scheduler's sweep calls publish_due)."""
    require_editor(actor, "schedule")
    if publish_at.tzinfo is None:
        raise ContentError.single(
            ContentErrorCode.INVALID, "Give a time with its UTC offset.", "publishAt"
        )
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
        if actor is not None:
            entry.updated_by = actor
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
    actor: StaffUser | None,
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
        if actor is not None:
            entry.updated_by = actor
        await entry.save()
        await record(actor, action, entry_id=entry.id, details={"was": was.value})
        if was is EntryStatus.PUBLISHED:
            await emit(topic, entry_id=entry.id)
            await bump_content_version()
    return entry


async def unpublish_entry(entry_id: int, *, actor: StaffUser | None = None) -> Entry:
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


async def archive_entry(entry_id: int, *, actor: StaffUser | None = None) -> Entry:
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


async def publish_due(now: datetime | None = None) -> list[int]:
    """Publish every scheduled entry whose time has come; safe to run twice or concurrently."""
    moment = now or datetime.now(UTC)
    published: list[int] = []
    for entry_id in await due_entry_ids(moment):
        try:
            async with in_transaction():
                entry = await lock_entry(entry_id)
                # Re-checked under the lock: an editor may have unscheduled it meanwhile.
                if entry.status is not EntryStatus.SCHEDULED or entry.publish_at is None:
                    continue
                if entry.publish_at > moment:
                    continue
                await _publish_locked(entry, None, min(entry.publish_at, moment))
        except ContentError as exc:
            # E.g. a call whose deadline passed while it waited: leave it for an editor.
            await record(
                None,
                "entry.schedule_failed",
                entry_id=entry_id,
                details={"reason": str(exc)},
            )
            continue
        published.append(entry_id)
    return published
