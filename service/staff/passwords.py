"""Password hashing with argon2id. Hashing is slow on purpose: call these from a thread."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from service.settings import Settings


@dataclass(frozen=True)
class PasswordCheck:
    ok: bool
    # The stored hash was made with other parameters than the current ones: store a new one.
    needs_rehash: bool = False


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def hasher(settings: Settings) -> PasswordHasher:
    return _hasher(settings.password_time_cost, settings.password_memory_kib)


def hash_password(password: str, settings: Settings) -> str:
    return hasher(settings).hash(password)


def verify_password(stored_hash: str, password: str, settings: Settings) -> PasswordCheck:
    ph = hasher(settings)
    try:
        ph.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return PasswordCheck(ok=False)
    return PasswordCheck(ok=True, needs_rehash=ph.check_needs_rehash(stored_hash))


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_kib: int) -> str:
    return _hasher(time_cost, memory_kib).hash("not a password anyone has")


def dummy_hash(settings: Settings) -> str:
    """A hash to verify against when the email is unknown, so both answers take as long."""
    return _dummy_hash(settings.password_time_cost, settings.password_memory_kib)
