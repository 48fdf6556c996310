"""The ledger's compare-and-set: a row is held by one claimer until its lease runs out."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from starlette.applications import Starlette

from service.audience.digest_sending import DELIVERIES
from service.audience.enums import DeliveryStatus, DigestFrequency
from service.audience.models import Delivery, Digest
from tests.audience.digest_audience import subscriber
from tests.factories import now

LEASE = timedelta(seconds=60)


async def deliveries(count: int) -> list[int]:
    digest = await Digest.create(
        frequency=DigestFrequency.WEEKLY, period_start=now(), period_end=now(), content={}
    )
    ids = []
    for _ in range(count):
        reader = await subscriber()
        ids.append((await Delivery.create(digest_id=digest.id, subscriber_id=reader.id)).id)
    return ids


async def test_two_claimers_at_once_never_share_a_row(app: Starlette, db: None) -> None:
    ids = await deliveries(20)
    first, second = await asyncio.gather(
        DELIVERIES.claim_many(ids, LEASE), DELIVERIES.claim_many(list(reversed(ids)), LEASE)
    )
    assert first.isdisjoint(second)
    assert first | second == set(ids)
    assert await DELIVERIES.claim_many(ids, LEASE) == set()  # all held now


async def test_a_lapsed_claim_is_taken_over_and_a_settled_row_never(
    app: Starlette, db: None
) -> None:
    lapsed, settled = await deliveries(2)
    past = now() - timedelta(minutes=5)
    assert await DELIVERIES.claim_many([lapsed, settled], LEASE, now=past) == {lapsed, settled}
    await DELIVERIES.mark_accepted(settled)

    assert await DELIVERIES.claim_many([lapsed, settled], LEASE) == {lapsed}
    row = await Delivery.get(id=lapsed)
    assert row.attempts == 2
    accepted = await Delivery.get(id=settled)
    assert accepted.status is DeliveryStatus.ACCEPTED
    assert accepted.accepted_at is not None
    assert accepted.lease_until is None


async def test_only_a_claimed_row_is_settled(app: Starlette, db: None) -> None:
    [row_id] = await deliveries(1)
    await DELIVERIES.mark_accepted(row_id)  # never claimed: nothing to settle
    assert (await Delivery.get(id=row_id)).status is DeliveryStatus.QUEUED
    assert await DELIVERIES.claim(row_id, LEASE)
    await DELIVERIES.release(row_id, "451 try later")
    released = await Delivery.get(id=row_id)
    assert released.status is DeliveryStatus.QUEUED
    assert released.last_error == "451 try later"


async def test_a_pinned_ledger_settles_as_the_pooled_one(app: Starlette, db: None) -> None:
    # On PostgreSQL pinned() holds one connection and writes the accepted-settle with its
    # own statement text (the hot path); the rows must end exactly as above.
    accepted, unclaimed, released = await deliveries(3)
    async with DELIVERIES.pinned() as ledger:
        assert await ledger.claim_many([accepted, released], LEASE) == {accepted, released}
        await ledger.mark_accepted(accepted)
        await ledger.mark_accepted(unclaimed)
        await ledger.release(released, "451 try later")
    rows = {r.id: r for r in await Delivery.filter(id__in=[accepted, unclaimed, released])}
    assert rows[accepted].status is DeliveryStatus.ACCEPTED
    assert rows[accepted].accepted_at is not None
    assert rows[accepted].lease_until is None
    assert rows[unclaimed].status is DeliveryStatus.QUEUED
    assert rows[unclaimed].accepted_at is None
    assert (rows[released].status, rows[released].last_error) == (
        DeliveryStatus.QUEUED,
        "451 try later",
    )
