"""Workers under test: a real SMTP server (aiosmtpd) and arq workers run in burst mode."""

from __future__ import annotations

import secrets

import pytest
from starlette.applications import Starlette

from service.outbox.models import OutboxEvent
from service.outbox.relay import relay_pending
from service.queue import create_queue
from service.settings import Settings
from tests.smtp import SmtpServer
from workers.settings import build_worker


@pytest.fixture
def worker_settings(settings: Settings, smtp_server: SmtpServer) -> Settings:
    # Tiny backoffs: a 451 is retried at once, so tests stay fast.
    return settings.model_copy(
        update={
            "smtp_url": smtp_server.url,
            "smtp_backoff_seconds": 0.01,
            "smtp_backoff_max_seconds": 0.05,
            "smtp_rate_per_second": 0,
        }
    )


async def run_worker(settings: Settings) -> None:
    """Run every queued job once (arq burst mode), in this process."""
    worker = build_worker(settings, burst=True, handle_signals=False, max_burst_jobs=200)
    try:
        await worker.async_run()
    finally:
        await worker.close()


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
    queue = await create_queue(isolated)
    try:
        await relay_pending(queue, namespace=isolated.queue_name)
    finally:
        await queue.aclose()
    await run_worker(isolated)
