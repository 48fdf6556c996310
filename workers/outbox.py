"""Outbox jobs: the relay's safety-net cron, and what each event sets in motion."""

from __future__ import annotations

import logging
from typing import Any

from service.outbox.events import DIGEST_PLANNED, DIGEST_TEST_REQUESTED, ENTRY_PUBLISHED
from service.outbox.models import OutboxEvent
from service.outbox.relay import relay_pending
from workers.digests import send_test_digest, start_digest
from workers.notices import send_staff_notices

log = logging.getLogger("buletin.workers.outbox")


async def relay_outbox(ctx: dict[str, Any]) -> int:
    """Cron: hand over events the after-commit relay could not (Redis was down, a crash)."""
    return await relay_pending(ctx["redis"], namespace=ctx["settings"].queue_name)


async def process_outbox_event(ctx: dict[str, Any], event_id: int) -> str:
    """One event, re-read from the database (jobs take ids, never objects)."""
    event = await OutboxEvent.get_or_none(id=event_id)
    if event is None:
        return "gone"
    if event.topic == ENTRY_PUBLISHED and event.payload.get("first"):
        await send_staff_notices(ctx, int(event.payload["entry_id"]), event.payload.get("actor_id"))
        return "notices"
    if event.topic == DIGEST_TEST_REQUESTED:
        await send_test_digest(ctx, event.payload)
        return "test digest"
    if event.topic == DIGEST_PLANNED:
        await start_digest(ctx, int(event.payload["digest_id"]))
        return "digest"
    # Feeds subscribe here in a later issue; other events need no work yet.
    return "nothing to do"
