"""Sign-ups counted in Redis per address and per client, shared by every process.

Same pattern as the staff sign-in throttle (service/staff/throttle.py): one atomic script
counts the request under both keys, each with a window fixed from its first request, so
parallel requests cannot slip between a check and a count.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from service.settings import Settings

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
    """Redis did not answer: sign-ups cannot be counted."""


@dataclass(frozen=True)
class SignUpThrottle:
    redis: Redis
    prefix: str = "buletin:subscribe"
    max_per_address: int = 3
    max_per_client: int = 20
    window_seconds: int = 60 * 60

    @classmethod
    def from_settings(cls, redis: Redis, settings: Settings) -> SignUpThrottle:
        return cls(
            redis,
            prefix=settings.subscribe_throttle_prefix,
            max_per_address=settings.subscribe_max_per_address,
            max_per_client=settings.subscribe_max_per_client,
            window_seconds=settings.subscribe_window_seconds,
        )

    def address_key(self, email: str) -> str:
        return f"{self.prefix}:addr:{email}"

    def client_key(self, client: str) -> str:
        return f"{self.prefix}:client:{client}"

    async def _count(self, *keys: str) -> list[int]:
        try:
            # redis-py 5 (arq pins it) types eval as sync-or-async; the asyncio client awaits.
            counts = await cast(
                "Awaitable[list[int]]",
                self.redis.eval(_COUNT, len(keys), *keys, str(self.window_seconds)),
            )
        except RedisError as exc:
            raise ThrottleUnavailable from exc
        return [int(c) for c in counts]

    async def client_request(self, client: str) -> bool:
        """Count one request from a client address, valid or not; False past its limit."""
        [count] = await self._count(self.client_key(client))
        return count <= self.max_per_client

    async def address_request(self, email: str) -> bool:
        """Count one valid sign-up for an address; False past its limit."""
        [count] = await self._count(self.address_key(email))
        return count <= self.max_per_address
