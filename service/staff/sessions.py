"""Housekeeping of sign-ins: sessions past their use are deleted, not kept for ever."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from service.staff.models import StaffSession

# Kept a while after they end, so the audit log's sign-ins can still be matched to them.
KEEP_ENDED = timedelta(days=30)


async def purge_ended_sessions(now: datetime | None = None) -> int:
    """Delete sessions that expired or were revoked more than KEEP_ENDED ago."""
    cutoff = (now or datetime.now(UTC)) - KEEP_ENDED
    return await StaffSession.filter(Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff)).delete()
