"""When a job that met temporary failures runs again: arq glue, so service/ needs no arq."""

from __future__ import annotations

from typing import Any

from arq import Retry


def job_try(ctx: dict[str, Any]) -> int:
    """Which run of the job this is, 1 for the first."""
    return int(ctx.get("job_try", 1))


def retry_delay(job_try: int) -> int:
    """Seconds before a job with temporary failures runs again: 10 s, 20 s, … 10 min."""
    delay: int = min(10 * 2 ** max(job_try - 1, 0), 600)
    return delay


def retry_later(ctx: dict[str, Any]) -> Retry:
    """The Retry to raise from a job that met temporary failures (a 4xx, a lost connection)."""
    return Retry(defer=retry_delay(job_try(ctx)))
