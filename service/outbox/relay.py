"""Turning committed outbox events into jobs, exactly once each (docs/architecture.md §1).

Runs right after a change commits (kick) and on a worker cron as the safety net. The job
id is derived from the event, so two relays racing enqueue it once; an event is marked
dispatched only after Redis took its job, so an outage delays events and loses none.

arq's job keys are global to a Redis server, so the id carries the queue's name too:
two deployments (or test runs) sharing a Redis must not take each other's `outbox:1`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Protocol

from tortoise.expressions import F

from service.outbox.models import OutboxEvent

log = logging.getLogger("buletin.outbox")
BATCH = 100
JOB = "process_outbox_event"


class Queue(Protocol):
    async def enqueue_job(self, function: str, *args: object, _job_id: str) -> object: ...


def job_id(namespace: str, event_id: int) -> str:
    return f"{namespace}:outbox:{event_id}"


async def relay_pending(queue: Queue, *, namespace: str, limit: int = BATCH) -> int:
    """Enqueue undispatched events, oldest first; stop at the first Redis failure."""
    events = await OutboxEvent.filter(dispatched_at=None).order_by("id").limit(limit)
    relayed = 0
    for event in events:
        try:
            await queue.enqueue_job(JOB, event.id, _job_id=job_id(namespace, event.id))
        except Exception as exc:  # Redis down or refusing: the next relay tries again
            await OutboxEvent.filter(id=event.id).update(attempts=F("attempts") + 1)
            log.warning("outbox.relay_failed event=%s error=%r", event.id, exc)
            break
        await OutboxEvent.filter(id=event.id, dispatched_at=None).update(
            dispatched_at=datetime.now(UTC)
        )
        relayed += 1
    if relayed:
        log.info("outbox.relayed count=%s", relayed)
    return relayed


class OutboxRelay:
    """The after-commit relay of a process: kicks coalesce into one background run."""

    def __init__(self, queue: Queue, *, namespace: str) -> None:
        self._queue = queue
        self._namespace = namespace
        self._task: asyncio.Task[None] | None = None
        self._again = False

    def kick(self) -> None:
        if self._task is not None and not self._task.done():
            self._again = True  # the running pass may have missed the newest event
            return
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            self._again = False
            try:
                await relay_pending(self._queue, namespace=self._namespace)
            except Exception:  # never let a background relay crash the process
                log.exception("outbox.relay_crashed")
            if not self._again:
                return

    async def wait(self) -> None:
        """For shutdown and tests: let the current pass finish."""
        if self._task is not None:
            await asyncio.shield(self._task)
