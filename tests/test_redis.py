"""A Redis that accepts connections and never answers must not stall sign-in or shutdown.

A real `buletin serve` process against a silent TCP listener: login answers UNAVAILABLE
within a few seconds, and SIGTERM ends the process within 10 s even with a sign-in
waiting on Redis; and the outbox relay gives up on it and keeps its events.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from service.outbox.models import OutboxEvent
from service.outbox.relay import relay_pending
from service.queue import LazyQueue
from service.settings import Settings
from tests.factories import entry
from tests.smtp import free_port
from tests.waiting import wait_serving

LOGIN = """mutation { login(email: "ana@example.org", password: "a long enough password") {
  token errors { code } } }"""


@pytest.fixture
async def silent_redis() -> AsyncIterator[str]:
    """Accepts every connection, reads what comes, never writes a byte."""
    held: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        while await reader.read(65536):
            pass

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.close()
        for writer in held:
            writer.close()


async def test_a_silent_redis_stalls_neither_login_nor_shutdown(
    settings: Settings, silent_redis: str, tmp_path: Path, db: None
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": silent_redis,
        "REDIS_SOCKET_TIMEOUT": "1",
    }
    log = tmp_path / "serve.log"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        f"from service.cli import main; main(['serve', '--port', '{port}'])",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            await wait_serving(
                http,
                "/healthz",
                process,
                log=lambda: log.read_text()[-3000:],
                seconds=15,
                every=0.05,
            )

            started = time.monotonic()
            answer = await http.post("/graphql", json={"query": LOGIN})
            took = time.monotonic() - started
            assert answer.json()["data"]["login"]["errors"] == [{"code": "UNAVAILABLE"}]
            assert took < 5, f"login took {took:.1f} s"

            # Another sign-in is waiting on Redis when the process is told to stop.
            waiting = asyncio.ensure_future(http.post("/graphql", json={"query": LOGIN}))
            await asyncio.sleep(0.3)
            process.send_signal(signal.SIGTERM)
            stopped = time.monotonic()
            await asyncio.wait_for(process.wait(), timeout=10)
            assert time.monotonic() - stopped < 10
            await asyncio.gather(waiting, return_exceptions=True)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_the_outbox_relay_gives_up_on_a_silent_redis(
    settings: Settings, silent_redis: str, db: None
) -> None:
    silent = settings.model_copy(update={"redis_url": silent_redis, "redis_socket_timeout": 0.5})
    await entry("Lajm")  # publishing writes an outbox event
    queue = LazyQueue(silent)
    try:
        relayed = await asyncio.wait_for(relay_pending(queue, namespace="silent"), timeout=5)
    finally:
        await queue.close()
    assert relayed == 0
    event = await OutboxEvent.get()
    assert event.dispatched_at is None  # kept for the next pass
    assert event.attempts == 1
