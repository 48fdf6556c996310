"""Waiting for something another process or task does, without sleeping a fixed time."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable


async def wait_until(
    condition: Callable[[], bool | Awaitable[bool]],
    seconds: float,
    *,
    what: str = "the condition",
    every: float = 0.1,
) -> float:
    """Poll `condition` until it holds; the seconds it took, or AssertionError at the limit."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while True:
        outcome = condition()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return loop.time() - started
        if loop.time() - started > seconds:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        await asyncio.sleep(every)
