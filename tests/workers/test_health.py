"""`buletin worker --check` tells whether a worker of this queue is alive."""

from __future__ import annotations

import asyncio
import contextlib

from starlette.applications import Starlette

from service.settings import Settings
from workers.settings import build_worker, check_health


async def test_health_check_fails_without_a_worker_and_passes_while_one_runs(
    app: Starlette, db: None, worker_settings: Settings
) -> None:
    lonely = worker_settings.model_copy(update={"queue_name": f"{worker_settings.queue_name}:x"})
    assert await check_health(lonely) == 1

    worker = build_worker(lonely, handle_signals=False)
    running = asyncio.create_task(worker.async_run())
    try:
        for _ in range(50):
            if await check_health(lonely) == 0:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the running worker never reported healthy")
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await worker.close()
