"""Feed snapshots: re-rendered when content changes, and as time moves calendars."""

from __future__ import annotations

from typing import Any

from service.feeds.rendering import refresh_all, refresh_calendars, refresh_for_entry
from service.outbox.events import ENTRY_ARCHIVED, ENTRY_PUBLISHED, ENTRY_UNPUBLISHED, ENTRY_UPDATED

# Every change the public can see moves some feed.
FEED_TOPICS = frozenset({ENTRY_PUBLISHED, ENTRY_UPDATED, ENTRY_UNPUBLISHED, ENTRY_ARCHIVED})


async def refresh_entry_feeds(ctx: dict[str, Any], entry_id: int) -> int:
    """The feeds listing this entry, before or after its change; returns how many changed."""
    outcome = await refresh_for_entry(entry_id, ctx["settings"])
    return len(outcome.changed)


async def refresh_calendar_feeds(ctx: dict[str, Any]) -> int:
    """Cron: events end and calls close or open without anyone saving anything."""
    return len((await refresh_calendars(ctx["settings"])).changed)


async def refresh_all_feeds(ctx: dict[str, Any]) -> int:
    """Cron, the safety net: topic renames and deletions, an event lost before a relay."""
    return len((await refresh_all(ctx["settings"])).changed)
