"""A worker SIGKILLed halfway through a 2,000-subscriber digest: every active subscriber
still ends accepted, and duplicates stay within the bound of docs/architecture.md §1 (printed)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO

from redis.asyncio import Redis
from starlette.applications import Starlette

from service.audience.digests import plan_digest
from service.audience.enums import DeliveryStatus, DigestFrequency, DigestStatus
from service.audience.models import Delivery, Digest
from service.settings import Settings
from service.staff.actors import SYSTEM
from tests.audience.digest_audience import many_subscribers
from tests.factories import days, entry, now
from tests.smtp import SmtpServer
from tests.waiting import wait_until as wait
from tests.workers.test_digests import relay


async def wait_until(
    condition: Callable[[], Awaitable[bool]], seconds: float, *, story: Path
) -> None:
    try:
        await wait(condition, seconds)
    except AssertionError:
        tail = (await asyncio.to_thread(story.read_bytes))[-4000:].decode(errors="replace")
        raise AssertionError(f"timed out waiting; the workers' log ends:\n{tail}") from None


SUBSCRIBERS = 2000


async def start_worker(settings: Settings, log: IO[bytes]) -> asyncio.subprocess.Process:
    """`buletin worker` as its own process, configured through the environment like CI."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": str(settings.redis_url),
        "QUEUE_NAME": settings.queue_name,
        "SMTP_URL": str(settings.smtp_url),
        "SECRET_KEY": "test-secret-key",
        "DEBUG": "0",
        "DIGEST_LEASE_SECONDS": "3",
        "DIGEST_RESUME_SECONDS": "1",
        "DIGEST_BATCH_SIZE": "100",
        "SMTP_BACKOFF_SECONDS": "0.01",
        "SMTP_RATE_PER_SECOND": "0",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from service.cli import main; main(['worker'])",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log,
    )


async def forget_queue(settings: Settings) -> None:
    """Drop what the workers left in Redis: CI shares its server with other runs."""
    async with Redis.from_url(str(settings.redis_url)) as redis:
        keys = [key async for key in redis.scan_iter(match=f"*{settings.queue_name}*")]
        if keys:
            await redis.delete(*keys)


async def test_a_worker_killed_mid_digest_leaves_nobody_without_it(
    app: Starlette, db: None, settings: Settings, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    # A queue of its own: the killed worker's jobs stay "in progress" there for minutes,
    # and a later test's burst worker would wait for them.
    queue = f"{settings.queue_name}:killed"
    worker_settings = settings.model_copy(update={"smtp_url": smtp_server.url, "queue_name": queue})
    await entry("Lajm i javës", published_at=now() - days(1))
    await many_subscribers(SUBSCRIBERS)
    digest = await plan_digest(DigestFrequency.WEEKLY, actor=SYSTEM)
    await relay(worker_settings)

    log = (tmp_path / "workers.log").open("wb")  # both workers' logs, for a failure's story
    first = await start_worker(worker_settings, log)
    try:

        async def halfway() -> bool:
            return len(smtp_server.handler.messages) >= SUBSCRIBERS // 2

        await wait_until(halfway, 60, story=tmp_path / "workers.log")
        first.send_signal(signal.SIGKILL)
        await first.wait()
        killed_at = len(smtp_server.handler.messages)
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()

    second = await start_worker(worker_settings, log)
    try:

        async def all_accepted() -> bool:
            accepted = Delivery.filter(digest_id=digest.id, status=DeliveryStatus.ACCEPTED)
            return await accepted.count() == SUBSCRIBERS

        await wait_until(all_accepted, 120, story=tmp_path / "workers.log")
    finally:
        second.terminate()
        try:
            await asyncio.wait_for(second.wait(), 20)
        except TimeoutError:  # a slow shutdown is not what this test is about
            second.kill()
            await second.wait()
        log.close()
        await forget_queue(worker_settings)

    received = Counter(str(m["Message-ID"]) for m in smtp_server.parsed())
    recipients = {address for m in smtp_server.handler.messages for address in m.rcpt_tos}
    duplicates = sum(received.values()) - len(received)
    print(
        f"\ndigest worker killed after {killed_at} of {SUBSCRIBERS} messages; after restart "
        f"{sum(received.values())} arrived, {len(received)} distinct, {duplicates} duplicate(s)"
        f" (bound: {worker_settings.smtp_pool_size}, one per open SMTP connection)"
    )
    assert len(recipients) == SUBSCRIBERS
    assert len(received) == SUBSCRIBERS
    assert duplicates <= worker_settings.smtp_pool_size
    assert (await Digest.get(id=digest.id)).status is DigestStatus.SENT
