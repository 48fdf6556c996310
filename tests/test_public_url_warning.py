"""A production PUBLIC_BASE_URL of http: `serve` and `worker` say so once, and still run."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from service.settings import Settings
from tests.cli import BULETIN
from tests.smtp import free_port

WARNING = "PUBLIC_BASE_URL is http://buletin.example.org, not https"
# What each command logs once it is up and running (uvicorn's; ours, after arq's start-up
# hook: a SIGTERM arq gets before its main loop runs is not acted on).
STARTED = {"serve": "Application startup complete", "worker": "worker.started"}


async def _start_log(settings: Settings, command: str, public_base_url: str) -> str:
    """What `buletin <command>` logs until it has started; then it is stopped."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "PUBLIC_BASE_URL": public_base_url,
        "QUEUE_NAME": f"{settings.queue_name}:warning",
        # A worker refuses to start without one; it connects only to send.
        "SMTP_URL": "smtp://127.0.0.1:2525",
    }
    argv = ["serve", "--port", str(free_port())] if command == "serve" else ["worker"]
    process = await asyncio.create_subprocess_exec(
        BULETIN, *argv, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    assert process.stderr is not None
    lines: list[str] = []
    try:
        async with asyncio.timeout(60):
            while STARTED[command] not in "".join(lines):
                line = await process.stderr.readline()
                assert line, f"`buletin {command}` ended: {''.join(lines)}"
                lines.append(line.decode())
    finally:
        # Stopped right after its start-up: arq's one cancellation used to be swallowed
        # by redis-py now and then, and the worker ran on (workers/settings.py Worker).
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=15)
        finally:
            if process.returncode is None:  # failed to stop: fail, but leave no worker behind
                process.kill()
                await process.wait()
    return "".join(lines)


@pytest.mark.parametrize("command", ["serve", "worker"])
async def test_an_http_public_url_is_warned_about_at_start(
    settings: Settings, command: str
) -> None:
    log = await _start_log(settings, command, "http://buletin.example.org")
    assert log.count(WARNING) == 1
    assert "WARNING" in log.split(WARNING)[0].splitlines()[-1]


async def test_an_https_public_url_starts_without_a_warning(settings: Settings) -> None:
    log = await _start_log(settings, "serve", "https://buletin.example.org")
    assert "PUBLIC_BASE_URL" not in log
