"""Demo subscribers for `buletin dev`: one per language choice, active at once, so a digest
can be sent from GraphiQL and read at /dev/mail right after the quick start.

Loaded through `add_active_subscriber`, which skips an address it already knows: a second
run writes nothing, and an address that left the demo list stays as it is.
"""

from __future__ import annotations

from service.audience.choices import Choices
from service.audience.enums import DigestFrequency
from service.audience.subscriptions import add_active_subscriber
from service.settings import Settings
from service.staff.actors import System

DEMO_ACTOR = System("dev.demo")
DEMO_SUBSCRIBERS: tuple[tuple[str, tuple[str, ...], DigestFrequency], ...] = (
    ("drita.demo@example.org", ("sq",), DigestFrequency.WEEKLY),
    ("john.demo@example.org", ("en",), DigestFrequency.WEEKLY),
    ("bilingual.demo@example.org", ("sq", "en"), DigestFrequency.DAILY),
)


async def seed_demo_subscribers(settings: Settings) -> int:
    """The demo subscribers whose languages are configured; how many were added."""
    added = 0
    for email, locales, frequency in DEMO_SUBSCRIBERS:
        if not set(locales) <= set(settings.locales):
            continue
        row = await add_active_subscriber(
            email,
            Choices(locales=locales, frequency=frequency),
            actor=DEMO_ACTOR,
            source="demo",
        )
        added += row is not None
    return added
