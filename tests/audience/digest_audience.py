"""Subscribers for digest tests, written straight to the table (signing up is tested
with the subscribe action; here only who is on the list matters)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from service.audience.enums import DigestFrequency, SubscriberStatus
from service.audience.models import Subscriber
from tests.factories import now

_numbers = itertools.count(1)


async def subscriber(
    email: str | None = None,
    *,
    locales: Sequence[str] = ("sq",),
    topics: Sequence[str] = (),
    kinds: Sequence[str] = (),
    frequency: DigestFrequency = DigestFrequency.WEEKLY,
    status: SubscriberStatus = SubscriberStatus.ACTIVE,
) -> Subscriber:
    return await Subscriber.create(
        email=email or f"reader{next(_numbers)}@example.org",
        locales=list(locales),
        topics=list(topics),
        kinds=list(kinds),
        frequency=frequency,
        status=status,
        consented_at=now(),
        confirmed_at=now() if status is SubscriberStatus.ACTIVE else None,
        source="test",
    )


async def many_subscribers(count: int, *, prefix: str = "reader") -> None:
    """`count` active weekly Albanian readers of everything, in one insert per thousand."""
    rows = [
        Subscriber(
            email=f"{prefix}{n}@example.org",
            locales=["sq"],
            topics=[],
            kinds=[],
            frequency=DigestFrequency.WEEKLY,
            status=SubscriberStatus.ACTIVE,
            source="test",
        )
        for n in range(count)
    ]
    for start in range(0, count, 1000):
        await Subscriber.bulk_create(rows[start : start + 1000])
