"""Daily housekeeping: what piles up and nobody needs."""

from __future__ import annotations

import logging
from typing import Any

from service.staff.sessions import purge_ended_sessions

log = logging.getLogger("buletin.workers.housekeeping")


async def purge_sessions(ctx: dict[str, Any]) -> int:
    """Cron: sessions ended more than a month ago."""
    purged = await purge_ended_sessions()
    if purged:
        log.info("housekeeping.sessions_purged count=%s", purged)
    return purged
