"""The pool's rate limit, on a clock the test moves."""

from __future__ import annotations

import asyncio

import pytest

from service.mail.rate import RateLimiter
from tests.mail.clock import FakeClock


async def test_messages_are_spaced_by_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(50, clock=clock, sleep=clock.sleep)
    start = clock.now
    for _ in range(20):
        await limiter.acquire()
    # The first goes at once, the other 19 one fiftieth of a second apart.
    assert clock.sleeps[0] == pytest.approx(0.02)
    assert clock.now - start == pytest.approx(19 / 50)


async def test_concurrent_callers_share_one_schedule() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep)
    delays = [limiter.reserve() for _ in range(4)]
    assert delays == pytest.approx([0.0, 0.1, 0.2, 0.3])
    start = clock.now
    await asyncio.gather(*(limiter.acquire() for _ in range(3)))
    # The three take the fifth, sixth and seventh slots.
    assert clock.now - start == pytest.approx(0.6)


async def test_an_idle_limiter_does_not_save_up_a_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep)
    limiter.reserve()
    clock.now += 60
    assert [limiter.reserve() for _ in range(2)] == pytest.approx([0.0, 0.1])


async def test_a_burst_lets_a_few_through_at_once() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, burst=3, clock=clock, sleep=clock.sleep)
    assert [limiter.reserve() for _ in range(4)] == pytest.approx([0.0, 0.0, 0.0, 0.1])


async def test_zero_means_no_limit() -> None:
    clock = FakeClock()
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)
    for _ in range(100):
        await limiter.acquire()
    assert clock.sleeps == []
