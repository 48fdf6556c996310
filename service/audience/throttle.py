"""Sign-ups counted in Redis per address and per client, shared by every process.

Counted with the same fixed windows as the staff sign-in throttle (service/windows.py).
An address is counted under a hash of it, never the address itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from service.audience.suppression import address_hash
from service.settings import Settings
from service.windows import ThrottleUnavailable, count_in_window

__all__ = ["SignUpThrottle", "ThrottleUnavailable"]


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
        # A hash, as the suppression list keeps: Redis holds no address, even for the hour
        # after its subscriber was erased.
        return f"{self.prefix}:addr:{address_hash(email)}"

    def client_key(self, client: str) -> str:
        return f"{self.prefix}:client:{client}"

    async def client_request(self, client: str) -> bool:
        """Count one request from a client address, valid or not; False past its limit."""
        [count] = await count_in_window(self.redis, [self.client_key(client)], self.window_seconds)
        return count <= self.max_per_client

    async def address_request(self, email: str) -> bool:
        """Count one valid sign-up for an address; False past its limit."""
        [count] = await count_in_window(self.redis, [self.address_key(email)], self.window_seconds)
        return count <= self.max_per_address
