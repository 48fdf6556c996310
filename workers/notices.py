"""Staff notice jobs: arq glue passing ids; what is sent and what a result means is in
service/notices/sending.py."""

from __future__ import annotations

from typing import Any

from service.delivery.engine import Tally
from service.notices import sending
from workers.retry import retry_later


async def send_staff_notices(
    ctx: dict[str, Any], entry_id: int, published_by_id: int | None = None
) -> Tally:
    tally = await sending.send_staff_notices(
        entry_id, published_by_id, courier=ctx["courier"], settings=ctx["settings"]
    )
    if tally.deferred:  # temporary failures: run again later; the ledger keeps it idempotent
        raise retry_later(ctx)
    return tally


async def resume_notices(ctx: dict[str, Any]) -> int:
    """Cron: deliver notices a dead worker left behind or a retry gave up on."""
    entry_ids = await sending.stalled_entries(ctx["settings"])
    for entry_id in entry_ids:
        await sending.deliver_notices(entry_id, courier=ctx["courier"], settings=ctx["settings"])
    return len(entry_ids)
