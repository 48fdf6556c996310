"""Who is told about an entry: the notice ledger's rows, planned once per (entry, staff).

Claiming, sending and settling them is the delivery engine's (service/delivery/): see
service/notices/sending.py for what a notice says.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.content.enums import EntryKind, EntryStatus
from service.content.models import Entry
from service.delivery.ledger import Ledger
from service.notices.enums import NoticeStatus
from service.notices.models import StaffNotice
from service.staff.models import StaffUser

NOTIFIED_KINDS = (EntryKind.EVENT, EntryKind.CALL)
NOTICES = Ledger(
    StaffNotice,
    queued=NoticeStatus.QUEUED,
    sending=NoticeStatus.SENDING,
    accepted=NoticeStatus.ACCEPTED,
    failed=NoticeStatus.FAILED,
)


async def recipients_for(kind: EntryKind) -> list[StaffUser]:
    # Staff lists are small; the opt-in lives in a JSON list, filtered here for both DBs.
    staff = await StaffUser.filter(is_active=True).order_by("id")
    return [member for member in staff if kind.value in (member.notify_on or [])]


async def plan_notices(
    entry_id: int, *, published_by_id: int | None, max_age: timedelta | None = None
) -> str | None:
    """Write a queued notice for each opted-in staff member who has none for this entry;
    the reason when there is nobody to tell.

    A notice is news: a publication older than `max_age` (backdated imports, the demo
    content, a queue that was down for days) gets none. The publisher knows already: a
    notice is for the rest of the staff.
    """
    entry = await Entry.get_or_none(id=entry_id)
    if entry is None:
        return "entry deleted"
    if entry.kind not in NOTIFIED_KINDS:
        return f"{entry.kind.value} entries send no notice"
    if entry.status is not EntryStatus.PUBLISHED:
        return "no longer published"
    first = entry.first_published_at
    if max_age is not None and first is not None and first < datetime.now(UTC) - max_age:
        return "published too long ago"
    recipients = [m for m in await recipients_for(entry.kind) if m.id != published_by_id]
    rows = await StaffNotice.filter(entry_id=entry_id).values("staff_id")
    have = {int(row["staff_id"]) for row in rows}
    new = [
        StaffNotice(entry_id=entry_id, staff_id=m.id, published_by_id=published_by_id)
        for m in recipients
        if m.id not in have
    ]
    if new:
        # The unique (entry, staff) pair makes a concurrent planner's rows win harmlessly.
        await StaffNotice.bulk_create(new, ignore_conflicts=True)
    return None


async def claimable(entry_id: int, now: datetime | None = None) -> list[StaffNotice]:
    """This entry's notices nobody holds, with their recipients, for the delivery engine."""
    moment = now or datetime.now(UTC)
    return (
        await StaffNotice.filter(NOTICES.claimable(moment), entry_id=entry_id)
        .order_by("id")
        .prefetch_related("staff")
    )
