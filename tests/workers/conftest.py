"""Workers under test: arq workers run in burst mode, in this process."""

from __future__ import annotations

import secrets

from starlette.applications import Starlette

from service.outbox.models import OutboxEvent
from service.outbox.relay import relay_pending
from service.queue import LazyQueue
from service.settings import Settings
from workers.settings import build_worker


async def run_worker(settings: Settings) -> None:
    """Run every queued job once (arq burst mode), in this process."""
    worker = build_worker(settings, burst=True, handle_signals=False, max_burst_jobs=200)
    try:
        await worker.async_run()
    finally:
        await worker.close()


async def relay(settings: Settings) -> None:
    """Hand the outbox events not yet handed over to the queue of `settings`, as the
    worker's relay cron would."""
    queue = LazyQueue(settings)
    try:
        await relay_pending(queue, namespace=settings.queue_name)
    finally:
        await queue.close()


async def relay_and_work(settings: Settings, app: Starlette | None = None) -> None:
    """Relay the outbox to a queue of this test's own and run a worker on it: jobs that
    other tests left deferred on the run's queue would keep a burst worker waiting.

    Events the app's after-commit relay already handed to the run's queue are handed
    again here (their jobs there find them gone once the test's data is cleaned)."""
    if app is not None:
        await app.state.relay.wait()
        await OutboxEvent.all().update(dispatched_at=None)
    isolated = settings.model_copy(
        update={"queue_name": f"{settings.queue_name}:{secrets.token_hex(4)}"}
    )
    await relay(isolated)
    await run_worker(isolated)
