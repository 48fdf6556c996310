"""A worker SIGKILLed halfway through a 2,000-subscriber digest: every active subscriber
still ends accepted, and duplicates stay within the bound of docs/architecture.md §1 (printed)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from redis.asyncio import Redis
from starlette.applications import Starlette

from service.audience.digests import plan_digest
from service.audience.enums import DeliveryStatus, DigestFrequency, DigestStatus
from service.audience.models import Delivery, Digest
from service.settings import Settings
from service.staff.actors import SYSTEM
from tests.audience.digest_audience import many_subscribers
from tests.conftest import Figure
from tests.factories import days, entry, now
from tests.smtp import SmtpServer
from tests.workers.conftest import relay
from tests.workers.processes import kill_midway_then_finish

SUBSCRIBERS = 2000


# Short leases and small batches: the second worker takes over within seconds.
WORKER_ENV = {
    "DIGEST_LEASE_SECONDS": "3",
    "DIGEST_RESUME_SECONDS": "1",
    "DIGEST_BATCH_SIZE": "100",
}


async def forget_queue(settings: Settings) -> None:
    """Drop what the workers left in Redis: CI shares its server with other runs."""
    async with Redis.from_url(str(settings.redis_url)) as redis:
        keys = [key async for key in redis.scan_iter(match=f"*{settings.queue_name}*")]
        if keys:
            await redis.delete(*keys)


async def test_a_worker_killed_mid_digest_leaves_nobody_without_it(
    app: Starlette,
    db: None,
    settings: Settings,
    smtp_server: SmtpServer,
    tmp_path: Path,
    figure: Figure,
) -> None:
    # A queue of its own: the killed worker's jobs stay "in progress" there for minutes,
    # and a later test's burst worker would wait for them.
    queue = f"{settings.queue_name}:killed"
    worker_settings = settings.model_copy(update={"smtp_url": smtp_server.url, "queue_name": queue})
    await entry("Lajm i javës", published_at=now() - days(1))
    await many_subscribers(SUBSCRIBERS)
    digest = await plan_digest(DigestFrequency.WEEKLY, actor=SYSTEM)
    await relay(worker_settings)

    async def halfway() -> bool:
        return len(smtp_server.handler.messages) >= SUBSCRIBERS // 2

    async def all_accepted() -> bool:
        accepted = Delivery.filter(digest_id=digest.id, status=DeliveryStatus.ACCEPTED)
        return await accepted.count() == SUBSCRIBERS

    try:
        killed_at = await kill_midway_then_finish(
            worker_settings,
            tmp_path,
            env=WORKER_ENV,
            midway=halfway,
            done=all_accepted,
            at_kill=lambda: len(smtp_server.handler.messages),
            midway_within=60,
            done_within=120,
        )
    finally:
        await forget_queue(worker_settings)

    received = Counter(str(m["Message-ID"]) for m in smtp_server.parsed())
    recipients = {address for m in smtp_server.handler.messages for address in m.rcpt_tos}
    duplicates = sum(received.values()) - len(received)
    figure(
        f"digest worker killed after {killed_at} of {SUBSCRIBERS} messages; after restart "
        f"{sum(received.values())} arrived, {len(received)} distinct, {duplicates} duplicate(s)"
        f" (bound: {worker_settings.smtp_pool_size}, one per open SMTP connection)"
    )
    assert len(recipients) == SUBSCRIBERS
    assert len(received) == SUBSCRIBERS
    assert duplicates <= worker_settings.smtp_pool_size
    assert (await Digest.get(id=digest.id)).status is DigestStatus.SENT
