"""Subscriptions: the confirmation mail of a sign-up, and the purge of stale sign-ups."""

from __future__ import annotations

from typing import Any

from arq import Retry

from service.audience.actors import SystemActor
from service.audience.confirmation import ConfirmationResult, send_confirmation
from service.audience.subscriptions import purge_stale_sign_ups
from workers.notices import retry_delay

PURGE_ACTOR = SystemActor("cron.purge_pending")


async def send_subscription_confirmation(
    ctx: dict[str, Any], subscriber_id: int, request: int
) -> ConfirmationResult:
    result = await send_confirmation(
        subscriber_id,
        request,
        renderer=ctx["renderer"],
        builder=ctx["builder"],
        sender=ctx["mail"],
        settings=ctx["settings"],
    )
    if result in (ConfirmationResult.DEFERRED, ConfirmationResult.BUSY):
        # arq runs the job again later; the ledger on the subscriber keeps it idempotent.
        raise Retry(defer=retry_delay(int(ctx.get("job_try", 1))))
    return result


async def purge_pending_sign_ups(ctx: dict[str, Any]) -> int:
    """Cron: sign-ups nobody confirmed within the confirmation link's 7 days."""
    return await purge_stale_sign_ups(PURGE_ACTOR)
