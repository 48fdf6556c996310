"""Failed sign-ins lock an account from one address after 5, and an address after 20, for a
fixed window; nobody can lock an account for the others."""

from __future__ import annotations

import asyncio

import pytest

from service.staff.throttle import LoginThrottle

pytestmark = pytest.mark.usefixtures("db")


async def test_an_account_locks_from_the_address_that_failed(throttle: LoginThrottle) -> None:
    for _ in range(throttle.max_account_failures):
        assert await throttle.attempt(email="ana@example.org", address="10.0.0.1")
    assert not await throttle.attempt(email="ana@example.org", address="10.0.0.1")
    # Another account from the same address is still fine,
    assert await throttle.attempt(email="ben@example.org", address="10.0.0.1")
    # and so is the account's owner from their own address: a guesser cannot lock them out.
    assert await throttle.attempt(email="ana@example.org", address="10.0.0.2")


async def test_an_address_locks_after_its_allowed_failures(throttle: LoginThrottle) -> None:
    for i in range(throttle.max_address_failures):
        assert await throttle.attempt(email=f"user{i}@example.org", address="10.0.0.9")
    assert not await throttle.attempt(email="new@example.org", address="10.0.0.9")
    assert await throttle.attempt(email="new@example.org", address="10.0.0.10")


async def test_a_success_gives_the_account_a_fresh_start(throttle: LoginThrottle) -> None:
    for _ in range(throttle.max_account_failures - 1):
        await throttle.attempt(email="ana@example.org", address="10.0.0.1")
    await throttle.attempt(email="ana@example.org", address="10.0.0.1")
    await throttle.succeeded(email="ana@example.org", address="10.0.0.1")
    for _ in range(throttle.max_account_failures):
        assert await throttle.attempt(email="ana@example.org", address="10.0.0.1")


async def test_parallel_guesses_cannot_race_past_the_limit(throttle: LoginThrottle) -> None:
    results = await asyncio.gather(
        *(throttle.attempt(email="ana@example.org", address="10.1.0.1") for _ in range(50))
    )
    assert sum(results) == throttle.max_account_failures


async def test_the_window_ends_and_refusals_do_not_extend_it(throttle: LoginThrottle) -> None:
    short = LoginThrottle(throttle.redis, prefix=throttle.prefix, window_seconds=2)
    key = short.account_key("ana@example.org", "10.0.0.1")
    for _ in range(short.max_account_failures):
        await short.attempt(email="ana@example.org", address="10.0.0.1")
    await asyncio.sleep(0.5)
    assert not await short.attempt(email="ana@example.org", address="10.0.0.1")
    left = await short.redis.pttl(key)
    assert 0 < left <= 1600  # counted from the first failure, not the last attempt
    await asyncio.sleep(left / 1000 + 0.1)
    assert await short.attempt(email="ana@example.org", address="10.0.0.1")


async def test_keys_are_namespaced_and_expire(throttle: LoginThrottle) -> None:
    await throttle.attempt(email="ana@example.org", address="10.0.0.1")
    key = throttle.account_key("ana@example.org", "10.0.0.1")
    assert key.startswith(f"{throttle.prefix}:acct:")
    assert 0 < await throttle.redis.ttl(key) <= throttle.window_seconds
