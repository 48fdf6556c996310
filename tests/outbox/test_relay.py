"""The outbox relay: dispatched only once Redis took the job, and kicks that coalesce."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from arq.connections import ArqRedis

from service.content.enums import EntryKind
from service.outbox.models import OutboxEvent
from service.outbox.relay import JOB, OutboxRelay, job_id, relay_pending
from service.queue import create_queue
from service.settings import Settings
from tests.factories import entry


class CountingQueue:
    """The real arq queue, counting what it is asked and able to hold a pass open."""

    def __init__(self, pool: ArqRedis) -> None:
        self.pool = pool
        self.enqueued: list[str] = []
        self.gate = asyncio.Event()
        self.gate.set()

    async def enqueue_job(self, function: str, *args: object, _job_id: str) -> object:
        await self.gate.wait()
        self.enqueued.append(_job_id)
        return await self.pool.enqueue_job(function, *args, _job_id=_job_id)


class RefusingQueue:
    """A Redis that is down: every enqueue fails."""

    async def enqueue_job(self, function: str, *args: object, _job_id: str) -> object:
        raise ConnectionError("redis is down")


@pytest.fixture
async def queue(settings: Settings) -> AsyncIterator[ArqRedis]:
    pool = await create_queue(settings)
    yield pool
    await pool.aclose()


async def test_events_are_marked_dispatched_only_after_the_queue_took_them(
    db: None, settings: Settings, queue: ArqRedis
) -> None:
    await entry("Lajm")
    await entry("Ngjarje", kind=EntryKind.EVENT)
    assert await relay_pending(RefusingQueue(), namespace=settings.queue_name) == 0
    events = await OutboxEvent.all().order_by("id")
    # The first failure stops the pass: the second event was not even tried.
    assert [(e.dispatched_at, e.attempts) for e in events] == [(None, 1), (None, 0)]

    assert await relay_pending(queue, namespace=settings.queue_name) == 2
    assert await OutboxEvent.filter(dispatched_at=None).count() == 0
    assert await relay_pending(queue, namespace=settings.queue_name) == 0
    # Other tests of this run may have left jobs in the queue: look for these events' own.
    jobs = {str(job.job_id): job for job in await queue.queued_jobs(queue_name=settings.queue_name)}
    for event in events:
        assert jobs[job_id(settings.queue_name, event.id)].function == JOB
    await queue.delete(settings.queue_name)


async def test_kicks_during_a_pass_coalesce_into_one_more_pass(
    db: None, settings: Settings, queue: ArqRedis
) -> None:
    counting = CountingQueue(queue)
    relay = OutboxRelay(counting, namespace=settings.queue_name)
    await entry("Një")
    counting.gate.clear()  # the first pass stalls on its enqueue
    relay.kick()
    await asyncio.sleep(0.05)
    await entry("Dy")
    await entry("Tre")
    for _ in range(5):
        relay.kick()  # all while the first pass runs
    counting.gate.set()
    await relay.wait()
    # One pass took the first event; the coalesced second pass took the two later ones.
    assert len(counting.enqueued) == 3
    assert len(set(counting.enqueued)) == 3
    assert await OutboxEvent.filter(dispatched_at=None).count() == 0
    await queue.delete(settings.queue_name)
