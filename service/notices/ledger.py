"""The notice ledger's moves: plan, claim (compare-and-set with a lease), settle.

A notice is sent at most once per claim: the claim is taken right before the SMTP call
and settled right after. A worker that dies in between leaves a lapsed lease, and the
notice goes out again: a duplicate is only possible for a message the server accepted
in that instant (docs/architecture.md §1).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from service.audit.log import record
from service.content.enums import EntryKind, EntryStatus
from service.content.models import Entry
from service.notices.context import publisher
from service.notices.enums import NoticeStatus
from service.notices.models import StaffNotice
from service.staff.actors import SYSTEM
from service.staff.models import StaffUser

log = logging.getLogger("buletin.notices")
NOTIFIED_KINDS = (EntryKind.EVENT, EntryKind.CALL)


@dataclass(frozen=True)
class Plan:
    planned: int
    skipped_reason: str | None = None


async def recipients_for(kind: EntryKind) -> list[StaffUser]:
    # Staff lists are small; the opt-in lives in a JSON list, filtered here for both DBs.
    staff = await StaffUser.filter(is_active=True).order_by("id")
    return [member for member in staff if kind.value in (member.notify_on or [])]


async def plan_notices(entry_id: int, *, max_age: timedelta | None = None) -> Plan:
    """Write a queued notice for each opted-in staff member who has none for this entry.

    A notice is news: a publication older than `max_age` (backdated imports, the demo
    content, a queue that was down for days) gets none.
    """
    entry = await Entry.get_or_none(id=entry_id)
    if entry is None:
        return Plan(0, "entry deleted")
    if entry.kind not in NOTIFIED_KINDS:
        return Plan(0, f"{entry.kind.value} entries send no notice")
    if entry.status is not EntryStatus.PUBLISHED:
        return Plan(0, "no longer published")
    first = entry.first_published_at
    if max_age is not None and first is not None and first < datetime.now(UTC) - max_age:
        return Plan(0, "published too long ago")
    # The publisher knows already: a notice is for the rest of the staff.
    published_by = await publisher(entry_id)
    recipients = [
        member
        for member in await recipients_for(entry.kind)
        if published_by is None or member.id != published_by.id
    ]
    rows = await StaffNotice.filter(entry_id=entry_id).values("staff_id")
    have = {int(row["staff_id"]) for row in rows}
    new = [StaffNotice(entry_id=entry_id, staff_id=m.id) for m in recipients if m.id not in have]
    if new:
        # The unique (entry, staff) pair makes a concurrent planner's rows win harmlessly.
        await StaffNotice.bulk_create(new, ignore_conflicts=True)
    return Plan(len(new))


def _claimable(now: datetime) -> Q:
    return Q(status=NoticeStatus.QUEUED) | Q(status=NoticeStatus.SENDING, lease_until__lt=now)


async def claimable(entry_id: int, now: datetime | None = None) -> list[StaffNotice]:
    moment = now or datetime.now(UTC)
    return (
        await StaffNotice.filter(_claimable(moment), entry_id=entry_id)
        .order_by("id")
        .prefetch_related("staff")
    )


async def claim(notice_id: int, lease: timedelta, now: datetime | None = None) -> bool:
    """Take the notice for one send attempt; False if another worker holds it or it is done."""
    moment = now or datetime.now(UTC)
    taken = await StaffNotice.filter(_claimable(moment), id=notice_id).update(
        status=NoticeStatus.SENDING,
        lease_until=moment + lease,
        attempts=F("attempts") + 1,
    )
    return taken == 1


async def mark_accepted(notice_id: int) -> None:
    await StaffNotice.filter(id=notice_id).update(
        status=NoticeStatus.ACCEPTED,
        accepted_at=datetime.now(UTC),
        lease_until=None,
        last_error=None,
    )


async def mark_failed(notice_id: int, reason: str) -> None:
    """Refused for good (a 5xx): recorded with the reason and never tried again."""
    await StaffNotice.filter(id=notice_id).update(
        status=NoticeStatus.FAILED, lease_until=None, last_error=reason[:2000]
    )


async def give_up(notice: StaffNotice, cause: str) -> None:
    """A failure no retry can mend (a message that cannot be built or rendered, a 5xx):
    failed for good, and said so in the audit log and the log, so someone can fix it."""
    entry_id: int = notice.entry_id  # type: ignore[attr-defined]
    staff_id: int = notice.staff_id  # type: ignore[attr-defined]
    async with in_transaction():
        await mark_failed(notice.id, cause)
        await record(
            SYSTEM,
            "notice.failed",
            entry_id=entry_id,
            target=f"staff:{staff_id}",
            details={"notice": notice.id, "cause": cause[:500]},
        )
    log.warning(
        "notices.failed notice=%s entry=%s staff=%s cause=%r",
        notice.id,
        entry_id,
        staff_id,
        cause[:500],
    )


async def release(notice_id: int, reason: str) -> None:
    """A temporary failure: back in the queue for a later attempt."""
    await StaffNotice.filter(id=notice_id, status=NoticeStatus.SENDING).update(
        status=NoticeStatus.QUEUED, lease_until=None, last_error=reason[:2000]
    )


async def stalled_entry_ids(now: datetime | None = None, *, grace: timedelta) -> list[int]:
    """Entries with notices nobody is sending: queued a while ago, or with a lapsed lease."""
    moment = now or datetime.now(UTC)
    rows = await StaffNotice.filter(
        Q(status=NoticeStatus.QUEUED, created_at__lt=moment - grace)
        | Q(status=NoticeStatus.SENDING, lease_until__lt=moment)
    ).values("entry_id")
    return sorted({int(row["entry_id"]) for row in rows})
