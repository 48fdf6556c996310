"""Scheduled publishing: the sweep that publishes entries whose time has come."""

from __future__ import annotations

import logging
from typing import Any

from service.content.publishing import publish_due
from service.outbox.relay import relay_pending

log = logging.getLogger("buletin.workers.publishing")


async def publish_scheduled(ctx: dict[str, Any]) -> list[int]:
    """Cron: publish what is due, through the same domain function as a manual publish."""
    published = await publish_due()
    if published:
        log.info("publishing.scheduled_published entries=%s", published)
        # Their outbox events go out now rather than at the relay cron's next tick.
        await relay_pending(ctx["redis"], namespace=ctx["settings"].queue_name)
    return published
