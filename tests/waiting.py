"""Waiting for something another process or task does, without sleeping a fixed time."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

import httpx


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


async def wait_serving(
    http: httpx.AsyncClient,
    url: str,
    process: asyncio.subprocess.Process,
    *,
    log: Callable[[], str],
    seconds: float,
    every: float = 0.1,
) -> float:
    """Poll `url` (a /healthz) until it answers 200; the seconds it took.

    A process that ends first fails at once with `log()`: waiting on would only time out.
    """

    async def healthy() -> bool:
        if process.returncode is not None:
            raise AssertionError(log())
        try:
            return (await http.get(url)).status_code == 200
        except httpx.TransportError:
            return False

    return await wait_until(healthy, seconds, what=f"{url} to answer", every=every)
