"""Workers under test: a real SMTP server (aiosmtpd) and arq workers run in burst mode."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from service.settings import Settings
from tests.mail.conftest import RecordingHandler, free_port
from workers.settings import build_worker


@dataclass
class SmtpServer:
    handler: RecordingHandler
    url: str

    def parsed(self) -> list[EmailMessage]:
        found = []
        for received in self.handler.messages:
            message = message_from_bytes(received.content, policy=default_policy)
            assert isinstance(message, EmailMessage)
            found.append(message)
        return found

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.parsed() if address in str(m["To"])]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(handler, f"smtp://127.0.0.1:{port}")
    finally:
        controller.stop()


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
