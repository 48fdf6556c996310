"""Workers under test: a real SMTP server (aiosmtpd) and arq workers run in burst mode."""

from __future__ import annotations

import pytest

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
