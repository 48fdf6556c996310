"""Digest jobs: arq glue passing ids; what is sent and what a result means is in
service/audience/digest_sending.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from service.audience import digest_sending as sending
from service.audience import digest_tools
from service.audience.digest_errors import DigestError
from service.audience.digests import plan_digest
from service.audience.enums import DigestFrequency
from service.outbox.relay import relay_pending
from service.staff.actors import SYSTEM
from workers.retry import retry_later

BATCH_JOB = "send_digest_batch"


def batch_job_id(queue: str, digest_id: int, number: int) -> str:
    return f"{queue}:digest:{digest_id}:batch:{number}"


async def _plan(ctx: dict[str, Any], frequency: DigestFrequency) -> int | None:
    try:
        digest = await plan_digest(frequency, actor=SYSTEM)  # the schedule
    except DigestError:
        return None  # nothing new: no digest
    await relay_pending(ctx["redis"], namespace=ctx["settings"].queue_name)
    return digest.id


async def send_daily_digest(ctx: dict[str, Any]) -> int | None:
    """Cron, 08:00 in TIMEZONE."""
    return await _plan(ctx, DigestFrequency.DAILY)


async def send_weekly_digest(ctx: dict[str, Any]) -> int | None:
    """Cron, Mondays 08:00 in TIMEZONE."""
    return await _plan(ctx, DigestFrequency.WEEKLY)


async def start_digest(ctx: dict[str, Any], digest_id: int) -> int:
    """Freeze the audience, then one job per batch, so several workers share the digest."""
    settings = ctx["settings"]
    lease = timedelta(seconds=settings.digest_lease_seconds)
    if await sending.freeze_audience(digest_id, lease=lease) is None:
        return 0  # gone, or another worker is freezing it and sends it on
    ranges = await sending.batch_ranges(digest_id, settings.digest_batch_size)
    for number, (first, last) in enumerate(ranges):
        job_id = batch_job_id(settings.queue_name, digest_id, number)
        await ctx["redis"].enqueue_job(BATCH_JOB, digest_id, first, last, _job_id=job_id)
    await sending.close_if_done(digest_id)  # nobody to send to
    return len(ranges)


async def send_digest_batch(ctx: dict[str, Any], digest_id: int, first: int, last: int) -> int:
    tally = await sending.send_batch(
        digest_id, first, last, courier=ctx["courier"], settings=ctx["settings"]
    )
    if tally.deferred:  # temporary failures: run again later; the ledger keeps it idempotent
        raise retry_later(ctx)
    return tally.accepted


async def resume_digests(ctx: dict[str, Any]) -> int:
    """Cron: finish freezes and sends that a dead worker left behind."""
    settings = ctx["settings"]
    for digest_id in await sending.unfinished_plans():
        await start_digest(ctx, digest_id)
    # A few batches' worth a tick: what a dead worker held, while its jobs look running.
    stalled = await sending.stalled_deliveries(settings, limit=4 * settings.digest_batch_size)
    for digest_id, first, last in stalled:
        await sending.send_batch(digest_id, first, last, courier=ctx["courier"], settings=settings)
    return len(stalled)


async def send_test_digest(ctx: dict[str, Any], payload: dict[str, Any]) -> bool:
    """An editor's test digest (an outbox event's payload: frequency, locales, email)."""
    return await digest_tools.send_test_digest(
        DigestFrequency(payload["frequency"]),
        payload["locales"],
        payload["email"],
        actor=SYSTEM,  # the editor was checked when the test was asked for
        courier=ctx["courier"],
        settings=ctx["settings"],
    )
