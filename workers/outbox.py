"""Outbox jobs: the relay's safety-net cron, and what each event sets in motion."""

from __future__ import annotations

import logging
from typing import Any

from service.notices.schedule import Told, tell_scheduler
from service.outbox.events import (
    DIGEST_PLANNED,
    DIGEST_TEST_REQUESTED,
    ENTRY_PUBLISHED,
    ENTRY_SCHEDULE_FAILED,
    SUBSCRIPTION_REQUESTED,
)
from service.outbox.models import OutboxEvent
from service.outbox.relay import relay_pending
from workers.digests import send_test_digest, start_digest
from workers.feeds import FEED_TOPICS, refresh_entry_feeds
from workers.notices import send_staff_notices
from workers.retry import retry_later
from workers.subscriptions import send_subscription_confirmation

log = logging.getLogger("buletin.workers.outbox")


async def relay_outbox(ctx: dict[str, Any]) -> int:
    """Cron: hand over events the after-commit relay could not (Redis was down, a crash)."""
    return await relay_pending(ctx["redis"], namespace=ctx["settings"].queue_name)


async def process_outbox_event(ctx: dict[str, Any], event_id: int) -> str:
    """One event, re-read from the database (jobs take ids, never objects)."""
    event = await OutboxEvent.get_or_none(id=event_id)
    if event is None:
        return "gone"
    if event.topic in FEED_TOPICS:
        try:  # same content, same bytes: a retry of the notices below renders nothing new
            await refresh_entry_feeds(ctx, int(event.payload["entry_id"]))
        except Exception:  # a feed must not hold up the notices; the hourly cron re-renders
            log.exception("feeds.refresh_failed event=%s", event.id)
    if event.topic == ENTRY_PUBLISHED and event.payload.get("first"):
        await send_staff_notices(ctx, int(event.payload["entry_id"]), event.payload.get("actor_id"))
        return "notices"
    if event.topic == ENTRY_SCHEDULE_FAILED:
        payload = event.payload
        told = await tell_scheduler(
            event.id,
            int(payload["entry_id"]),
            payload.get("staff_id"),
            str(payload["reason"]),
            courier=ctx["courier"],
            settings=ctx["settings"],
        )
        if told is Told.RETRY:
            raise retry_later(ctx)
        return f"scheduler {told.value}"
    if event.topic == SUBSCRIPTION_REQUESTED:
        payload = event.payload
        await send_subscription_confirmation(
            ctx, int(payload["subscriber_id"]), int(payload["request"])
        )
        return "confirmation"
    if event.topic == DIGEST_TEST_REQUESTED:
        await send_test_digest(ctx, event.payload)
        return "test digest"
    if event.topic == DIGEST_PLANNED:
        await start_digest(ctx, int(event.payload["digest_id"]))
        return "digest"
    return "feeds" if event.topic in FEED_TOPICS else "nothing to do"
