"""The notice ledger: one winner per claim, lapsed leases reopen, one row per staff member."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from service.content.enums import EntryKind
from service.notices import ledger
from service.notices.enums import NoticeStatus
from service.notices.ledger import NOTICES
from service.notices.models import StaffNotice
from service.staff.enums import StaffRole
from tests.factories import entry, now, staff

LEASE = timedelta(seconds=30)


async def one_notice() -> StaffNotice:
    await staff(StaffRole.EDITOR)
    event = await entry("Ngjarje", kind=EntryKind.EVENT)
    assert await ledger.plan_notices(event.id, published_by_id=None) is None
    [notice] = await StaffNotice.filter(entry_id=event.id)
    return notice


async def test_of_many_concurrent_claims_exactly_one_wins(db: None) -> None:
    notice = await one_notice()
    results = await asyncio.gather(*(NOTICES.claim(notice.id, LEASE) for _ in range(8)))
    assert sorted(results) == [False] * 7 + [True]
    stored = await StaffNotice.get(id=notice.id)
    assert (stored.status, stored.attempts) == (NoticeStatus.SENDING, 1)


async def test_a_lapsed_lease_can_be_claimed_again_and_a_settled_notice_never(db: None) -> None:
    notice = await one_notice()
    assert await NOTICES.claim(notice.id, LEASE)
    assert not await NOTICES.claim(notice.id, LEASE)  # held
    later = now() + LEASE + timedelta(seconds=1)
    assert await NOTICES.claim(notice.id, LEASE, now=later)  # its worker died
    await NOTICES.mark_accepted(notice.id)
    much_later = later + 10 * LEASE
    assert not await NOTICES.claim(notice.id, LEASE, now=much_later)
    assert (await StaffNotice.get(id=notice.id)).attempts == 2


async def test_planning_twice_writes_one_row_per_staff_member(db: None) -> None:
    await staff(StaffRole.EDITOR)
    await staff(StaffRole.AUTHOR)
    event = await entry("Ngjarje", kind=EntryKind.EVENT)
    await asyncio.gather(
        ledger.plan_notices(event.id, published_by_id=None),
        ledger.plan_notices(event.id, published_by_id=None),
    )
    await ledger.plan_notices(event.id, published_by_id=None)
    assert await StaffNotice.filter(entry_id=event.id).count() == 2
