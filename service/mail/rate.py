"""A rate limit shared by every connection of the pool: messages per second, no bursts.

It is a token bucket written as GCRA (one timestamp instead of a token count): each caller
reserves the next free instant and then sleeps until it, so concurrent senders are spaced
out in the order they asked, without a lock and without busy waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    def __init__(
        self,
        rate_per_second: float,
        *,
        burst: int = 1,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate_per_second < 0:
            raise ValueError("rate_per_second must be >= 0 (0 means no limit)")
        if burst < 1:
            raise ValueError("burst must be >= 1")
        self._interval = 1.0 / rate_per_second if rate_per_second else 0.0
        # How far ahead of its schedule a caller may run: burst - 1 intervals.
        self._tolerance = (burst - 1) * self._interval
        self._clock = clock
        self._sleep = sleep
        self._next = clock()  # the theoretical arrival time of the next message

    def reserve(self) -> float:
        """Take the next slot; return how long to wait before using it (0 when free now)."""
        if not self._interval:
            return 0.0
        now = self._clock()
        start = max(self._next, now)
        self._next = start + self._interval
        return max(0.0, start - self._tolerance - now)

    async def acquire(self) -> None:
        delay = self.reserve()
        if delay > 0:
            await self._sleep(delay)
