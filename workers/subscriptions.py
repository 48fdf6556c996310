"""Subscriptions: the confirmation mail of a sign-up, and the purge of stale sign-ups."""

from __future__ import annotations

from typing import Any

from arq import Retry

from service.audience.confirmation import ConfirmationResult, send_confirmation
from service.audience.subscriptions import purge_stale_sign_ups
from service.staff.actors import System
from workers.retry import job_try, retry_later

PURGE_ACTOR = System("cron.purge_pending")
BUSY_MAX_DEFER_SECONDS = 30


async def send_subscription_confirmation(
    ctx: dict[str, Any], subscriber_id: int, request: int
) -> ConfirmationResult:
    result = await send_confirmation(
        subscriber_id,
        request,
        courier=ctx["courier"],
        settings=ctx["settings"],
    )
    # arq runs the job again later; the ledger on the subscriber keeps it idempotent.
    if result is ConfirmationResult.BUSY:
        # Another job of this subscriber is sending (a second sign-up in the same instant):
        # it is done within a second or two, so look again soon.
        raise Retry(defer=min(2 ** (job_try(ctx) - 1), BUSY_MAX_DEFER_SECONDS))
    if result is ConfirmationResult.DEFERRED:
        raise retry_later(ctx)
    return result


async def purge_pending_sign_ups(ctx: dict[str, Any]) -> int:
    """Cron: sign-ups nobody confirmed within the confirmation link's 7 days."""
    return await purge_stale_sign_ups(PURGE_ACTOR)
