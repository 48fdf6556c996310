"""`buletin dev` stopping its worker at Ctrl-C while a job is in hand (service/devserver.py)."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from arq.worker import Worker, func

from service.devserver import stop_worker
from service.queue import create_queue, queue_pool
from service.settings import Settings
from tests.waiting import wait_until


async def _worker_in_hand(settings: Settings, job: Any) -> tuple[Worker, asyncio.Task[None]]:
    """A worker on a queue of its own, busy with `job`."""
    queue_name = f"{settings.queue_name}:{secrets.token_hex(4)}"
    worker = Worker(
        functions=[func(job, name="job")],
        redis_pool=queue_pool(settings),
        queue_name=queue_name,
        handle_signals=False,
        poll_delay=0.05,
    )
    queue = await create_queue(settings)
    try:
        await queue.enqueue_job("job", _queue_name=queue_name)
    finally:
        await queue.aclose()
    main = asyncio.create_task(worker.async_run())
    await wait_until(lambda: any(not t.done() for t in worker.tasks.values()), 10)
    return worker, main


async def _ctrl_c(worker: Worker, main: asyncio.Task[None], grace: float) -> None:
    # What serve() does: the worker's main loop is cancelled first, then it is closed.
    main.cancel()
    await asyncio.gather(main, return_exceptions=True)
    await stop_worker(worker, grace_seconds=grace)


async def test_a_job_that_outlasts_the_grace_is_cancelled_and_the_worker_closes(
    settings: Settings,
) -> None:
    cancelled = asyncio.Event()

    async def endless(ctx: dict[str, Any]) -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    worker, main = await _worker_in_hand(settings, endless)
    await asyncio.wait_for(_ctrl_c(worker, main, grace=0.1), 10)  # no CancelledError out
    assert cancelled.is_set()
    assert worker.tasks == {}


async def test_a_job_within_the_grace_finishes_before_the_worker_closes(
    settings: Settings,
) -> None:
    finished = asyncio.Event()

    async def short(ctx: dict[str, Any]) -> None:
        await asyncio.sleep(0.2)
        finished.set()

    worker, main = await _worker_in_hand(settings, short)
    await asyncio.wait_for(_ctrl_c(worker, main, grace=5), 10)
    assert finished.is_set()
