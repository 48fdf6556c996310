"""Announcing changes to the workers, inside the transaction that makes them."""

from __future__ import annotations

from typing import Any

from service.outbox.models import OutboxEvent

ENTRY_PUBLISHED = "entry.published"
ENTRY_UNPUBLISHED = "entry.unpublished"
ENTRY_UPDATED = "entry.updated"
ENTRY_ARCHIVED = "entry.archived"
ENTRY_SCHEDULE_FAILED = "entry.schedule_failed"

# A sign-up asked for a confirmation mail: payload subscriber_id and request (its number).
SUBSCRIPTION_REQUESTED = "subscription.requested"

DIGEST_PLANNED = "digest.planned"
DIGEST_TEST_REQUESTED = "digest.test_requested"


async def emit(topic: str, **payload: Any) -> OutboxEvent:
    """Call inside the change's transaction: the event exists exactly when the change does."""
    return await OutboxEvent.create(topic=topic, payload=payload)
