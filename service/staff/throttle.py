"""Failed sign-ins counted in Redis, shared by every process.

Failures count per (account, address) pair, with an overall cap per address. Not per
account alone: then anyone could lock any staff member out, from anywhere, forever.
A guesser spends their own address's tries; the owner signing in from theirs is unaffected.

Each attempt is counted *before* the password is checked, in one atomic script, so a
burst of parallel guesses cannot all slip past a check-then-count race; a successful
sign-in gives its attempt back. The window is fixed from the first failure (the expiry
is set once), so refused attempts do not prolong a lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from service.settings import Settings
from service.windows import ThrottleUnavailable, count_in_window

__all__ = ["LoginThrottle", "ThrottleUnavailable"]

# KEYS: pair key, address key. The pair starts over; the address gets its attempt back.
_FORGIVE = """
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then
  redis.call('DECR', KEYS[2])
end
return 1
"""


@dataclass(frozen=True)
class LoginThrottle:
    redis: Redis
    prefix: str = "buletin:login-fail"
    max_account_failures: int = 5
    max_address_failures: int = 20
    window_seconds: int = 15 * 60

    @classmethod
    def from_settings(cls, redis: Redis, settings: Settings) -> LoginThrottle:
        return cls(
            redis,
            prefix=settings.login_throttle_prefix,
            max_account_failures=settings.login_max_account_failures,
            max_address_failures=settings.login_max_address_failures,
            window_seconds=settings.login_failure_window_seconds,
        )

    def account_key(self, email: str, address: str) -> str:
        """The failures of one account from one address."""
        return f"{self.prefix}:acct:{address}|{email}"

    def address_key(self, address: str) -> str:
        return f"{self.prefix}:addr:{address}"

    async def attempt(self, *, email: str, address: str) -> bool:
        """Count one attempt; False when the account (from this address) or the address has
        used up its tries."""
        keys = [self.account_key(email, address), self.address_key(address)]
        account, by_address = await count_in_window(self.redis, keys, self.window_seconds)
        return account <= self.max_account_failures and by_address <= self.max_address_failures

    async def succeeded(self, *, email: str, address: str) -> None:
        """The attempt was right: it was no failure, and the account's count starts over."""
        keys = [self.account_key(email, address), self.address_key(address)]
        with contextlib.suppress(RedisError):  # at worst the attempt stays counted
            await cast("Awaitable[object]", self.redis.eval(_FORGIVE, 2, *keys))
