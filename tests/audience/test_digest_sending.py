"""Freezing a digest's audience: every active subscriber of the frequency once, resumable."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from starlette.applications import Starlette

from service.audience.digest_sending import batch_ranges, freeze_audience, unfinished_plans
from service.audience.digests import plan_digest
from service.audience.enums import (
    DeliveryStatus,
    DigestFrequency,
    DigestStatus,
    SubscriberStatus,
)
from service.audience.models import Delivery, Digest
from service.staff.actors import SYSTEM
from tests.audience.digest_audience import subscriber
from tests.factories import days, entry, now

LEASE = timedelta(seconds=60)


async def test_a_freeze_cut_short_resumes_where_it_stopped(app: Starlette, db: None) -> None:
    await entry("Lajm", published_at=now() - days(1))
    readers = [await subscriber() for _ in range(7)]
    await subscriber(status=SubscriberStatus.PENDING)
    await subscriber(frequency=DigestFrequency.DAILY)
    digest = await plan_digest(DigestFrequency.WEEKLY, actor=SYSTEM)
    # A worker wrote the first page, then died: its rows and its cursor are there.
    await Delivery.create(digest_id=digest.id, subscriber_id=readers[0].id)
    await Delivery.create(digest_id=digest.id, subscriber_id=readers[1].id)
    await Digest.filter(id=digest.id).update(planned_through=readers[1].id)

    frozen = await freeze_audience(digest.id, lease=LEASE, page=2)
    assert frozen is not None
    assert frozen.status is DigestStatus.SENDING
    assert frozen.recipients == 7
    rows = await Delivery.filter(digest_id=digest.id).values_list("subscriber_id", flat=True)
    assert Counter(rows) == Counter(r.id for r in readers)

    assert (
        await freeze_audience(digest.id, lease=LEASE, page=2) is not None
    )  # again: nothing changes
    assert await Delivery.filter(digest_id=digest.id).count() == 7
    ranges = await batch_ranges(digest.id, 3)
    assert [last - first for first, last in ranges][:2] == [2, 2]
    assert sum(1 for _ in ranges) == 3
    statuses = {d.status for d in await Delivery.filter(digest_id=digest.id)}
    assert statuses == {DeliveryStatus.QUEUED}


async def test_a_freeze_in_progress_is_left_to_its_worker_until_its_lease_lapses(
    app: Starlette, db: None
) -> None:
    # The outbox job and the resume cron may both reach a digest that is being frozen:
    # only the holder of the freeze lease writes its rows.
    await entry("Lajm", published_at=now() - days(1))
    readers = [await subscriber() for _ in range(3)]
    digest = await plan_digest(DigestFrequency.WEEKLY, actor=SYSTEM)
    assert await unfinished_plans() == [digest.id]  # nobody has started it
    await Digest.filter(id=digest.id).update(freeze_lease_until=now() + LEASE)

    assert await unfinished_plans() == []
    assert await freeze_audience(digest.id, lease=LEASE) is None
    assert await Delivery.filter(digest_id=digest.id).count() == 0

    # Its worker died: the lease lapses, and the next freeze takes over and finishes.
    await Digest.filter(id=digest.id).update(freeze_lease_until=now() - timedelta(seconds=1))
    assert await unfinished_plans() == [digest.id]
    frozen = await freeze_audience(digest.id, lease=LEASE)
    assert frozen is not None
    assert (frozen.status, frozen.recipients) == (DigestStatus.SENDING, len(readers))
    assert frozen.freeze_lease_until is None
    assert await unfinished_plans() == []
