"""Real `buletin worker` processes for the crash tests: start one, SIGKILL it midway through
its work, start another, and wait for the work to finish."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import IO

from service.settings import Settings
from tests.waiting import wait_until

Condition = Callable[[], Awaitable[bool]]


async def start_worker(
    settings: Settings, log: IO[bytes], env: Mapping[str, str]
) -> asyncio.subprocess.Process:
    """`buletin worker` as its own process, configured through the environment like CI."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from service.cli import main; main(['worker'])",
        env={
            **os.environ,
            "DATABASE_URL": settings.database_url,
            "REDIS_URL": str(settings.redis_url),
            "QUEUE_NAME": settings.queue_name,
            "SMTP_URL": str(settings.smtp_url),
            "SECRET_KEY": "test-secret-key",
            "DEBUG": "0",
            "SMTP_BACKOFF_SECONDS": "0.01",
            "SMTP_RATE_PER_SECOND": "0",
            **env,
        },
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log,
    )


async def _wait(condition: Condition, seconds: float, story: Path) -> None:
    try:
        await wait_until(condition, seconds)
    except AssertionError:
        tail = (await asyncio.to_thread(story.read_bytes))[-4000:].decode(errors="replace")
        raise AssertionError(f"timed out waiting; the workers' log ends:\n{tail}") from None


async def kill_midway_then_finish(
    settings: Settings,
    folder: Path,
    *,
    env: Mapping[str, str],
    midway: Condition,
    done: Condition,
    at_kill: Callable[[], int],
    midway_within: float,
    done_within: float,
) -> int:
    """SIGKILL a worker once `midway` holds, then let a second one finish until `done`.

    Returns `at_kill()` as it was right after the kill (e.g. the messages received by then).
    Both workers' logs go to `folder/workers.log`, quoted when a wait times out.
    """
    story = folder / "workers.log"
    with story.open("wb") as log:
        first = await start_worker(settings, log, env)
        try:
            await _wait(midway, midway_within, story)
            first.send_signal(signal.SIGKILL)
            await first.wait()
            killed_at = at_kill()
        finally:
            if first.returncode is None:
                first.kill()
                await first.wait()
        second = await start_worker(settings, log, env)
        try:
            await _wait(done, done_within, story)
        finally:
            second.terminate()
            try:
                await asyncio.wait_for(second.wait(), 20)
            except TimeoutError:  # a slow shutdown is not what these tests are about
                second.kill()
                await second.wait()
    return killed_at
