"""Counters in Redis over fixed windows, shared by every process: the throttles' core.

One atomic script counts a request under several keys at once, each with a window fixed
from its first request (the expiry is set once), so parallel requests cannot slip
between a check and a count, and refused requests do not prolong a window.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

# KEYS: counters to bump. ARGV: window seconds. Returns the counts after the INCRs.
_COUNT = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  if redis.call('TTL', key) < 0 then
    redis.call('EXPIRE', key, ARGV[1])
  end
end
return counts
"""


class ThrottleUnavailable(Exception):
    """Redis did not answer: requests cannot be counted (callers fail closed)."""


async def count_in_window(redis: Redis, keys: Sequence[str], window_seconds: int) -> list[int]:
    """Count one request under each key; the counts after it, in the keys' order."""
    try:
        # redis-py 5 (arq pins it) types eval as sync-or-async; the asyncio client awaits.
        counts = await cast(
            "Awaitable[list[int]]",
            redis.eval(_COUNT, len(keys), *keys, str(window_seconds)),
        )
    except RedisError as exc:
        raise ThrottleUnavailable from exc
    return [int(c) for c in counts]
