"""The arq worker: its jobs, crons, and the clients each job finds in `ctx`.

`buletin worker` runs build_worker(get_settings()); tests build one in burst mode.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timezone
from signal import Signals
from typing import Any, cast

from arq import Worker as ArqWorker
from arq.cron import CronJob, cron
from arq.worker import async_check_health
from tortoise import Tortoise

from service.db import tortoise_config
from service.delivery.engine import Courier
from service.mail.message import MessageBuilder
from service.mail.render import Renderer
from service.mail.smtp import Sender, SmtpPool
from service.queue import queue_pool, redis_settings
from service.settings import Settings
from workers.digests import (
    resume_digests,
    send_daily_digest,
    send_digest_batch,
    send_weekly_digest,
)
from workers.feeds import refresh_all_feeds, refresh_calendar_feeds
from workers.housekeeping import purge_sessions
from workers.notices import resume_notices
from workers.outbox import process_outbox_event, relay_outbox
from workers.publishing import publish_scheduled
from workers.subscriptions import purge_pending_sign_ups

log = logging.getLogger("buletin.workers")


def _every(seconds: int, offset: int = 0) -> set[int]:
    return {(offset + s) % 60 for s in range(0, 60, seconds)}


def cron_jobs(settings: Settings) -> list[CronJob]:
    # unique=True: with several workers, one of them runs each tick.
    return [
        cron(relay_outbox, second=_every(settings.outbox_relay_seconds), unique=True),
        cron(publish_scheduled, second=_every(settings.schedule_sweep_seconds), unique=True),
        cron(purge_sessions, hour=3, minute=15, second=0, unique=True),
        cron(purge_pending_sign_ups, hour=3, minute=25, second=0, unique=True),
        cron(
            refresh_calendar_feeds,
            minute=_every(settings.calendar_refresh_minutes),
            second=20,
            unique=True,
        ),
        cron(refresh_all_feeds, minute=37, second=40, unique=True),
        # Digests at 08:00 in TIMEZONE: the worker evaluates crons in that zone (build_worker).
        cron(send_daily_digest, hour=8, minute=0, second=0, unique=True),
        cron(send_weekly_digest, weekday="mon", hour=8, minute=0, second=0, unique=True),
        cron(
            resume_digests,
            second=_every(settings.digest_resume_seconds, offset=7),
            unique=True,
            run_at_startup=True,
        ),
        cron(
            resume_notices,
            second=_every(settings.notice_resume_seconds, offset=3),
            unique=True,
            run_at_startup=True,
        ),
    ]


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    if not Tortoise.is_inited():
        # A worker of its own; in `buletin dev` it shares the app's ORM instead. Keep the
        # context: shutdown runs in another task, which would not see it (docs/architecture.md §8).
        ctx["orm"] = await Tortoise.init(config=tortoise_config(settings))
    if ctx.get("mail") is None:
        pool = SmtpPool.from_settings(settings)
        await pool.__aenter__()
        ctx["mail"] = pool
        ctx["owns_mail"] = True
    # One courier per process: its slots bound the sends in flight (docs/architecture.md §1).
    ctx["courier"] = Courier(
        ctx["mail"],
        Renderer.from_settings(settings),
        MessageBuilder.from_settings(settings),
        slots=settings.smtp_pool_size,
    )
    log.info("worker.started queue=%s", settings.queue_name)


async def shutdown(ctx: dict[str, Any]) -> None:
    if ctx.get("owns_mail"):
        await ctx["mail"].close()
    if ctx.get("orm") is not None:
        await ctx["orm"].close_connections()


HEALTH_CHECK_SECONDS = 60


def health_check_key(settings: Settings) -> str:
    return f"{settings.queue_name}:health-check"


async def check_health(settings: Settings) -> int:
    """0 when a worker of this queue wrote its health key within the last interval."""
    # arq's check has no socket timeout: a Redis that never answers is a failed check.
    limit = settings.redis_connect_timeout + settings.redis_socket_timeout
    try:
        return await asyncio.wait_for(
            async_check_health(
                redis_settings(settings), health_check_key(settings), settings.queue_name
            ),
            limit,
        )
    except TimeoutError:
        log.warning("worker.health_check_timeout seconds=%s", limit)
        return 1


# How often a stop signal's cancellation is repeated until the worker's main task ends.
RECANCEL_SECONDS = 0.5


class Worker(ArqWorker):
    """arq's worker, whose stop on SIGTERM/SIGINT is made to stick.

    arq stops by cancelling its main task once. redis-py can swallow a cancellation that
    lands inside a command (redis/redis-py#2028, #2551), and then the worker polls on as if
    nothing happened, until the orchestrator's SIGKILL. The cancellation is repeated until
    the main task has ended; leases make a stop at any point safe (docs/architecture.md §1).
    """

    def handle_sig(self, signum: Signals) -> None:
        super().handle_sig(signum)
        self._cancel_until_stopped()

    def _cancel_until_stopped(self) -> None:
        task = self.main_task
        if task is not None and not task.done():
            task.cancel()
            self.loop.call_later(RECANCEL_SECONDS, self._cancel_until_stopped)


def build_worker(
    settings: Settings,
    *,
    burst: bool = False,
    handle_signals: bool = True,
    mail: Sender | None = None,
    **options: Any,
) -> Worker:
    return Worker(
        functions=[process_outbox_event, send_digest_batch],
        cron_jobs=cron_jobs(settings),
        redis_pool=queue_pool(settings),
        queue_name=settings.queue_name,
        on_startup=startup,
        on_shutdown=shutdown,
        ctx={"settings": settings, "mail": mail},
        burst=burst,
        handle_signals=handle_signals,
        health_check_interval=HEALTH_CHECK_SECONDS,
        health_check_key=health_check_key(settings),
        poll_delay=0.2,
        # arq reads cron hours in this zone (the system's otherwise): 08:00 means Tirana's.
        timezone=cast("timezone", settings.zone),
        **options,
    )
