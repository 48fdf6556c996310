"""`buletin dev`'s demo subscribers: one per language choice, active, loaded once."""

from __future__ import annotations

import pytest

from service.audience.demo import seed_demo_subscribers
from service.audience.enums import SubscriberStatus
from service.audience.models import Subscriber
from service.settings import Settings

pytestmark = pytest.mark.usefixtures("db")


async def test_one_active_subscriber_per_language_choice_and_twice_changes_nothing(
    settings: Settings,
) -> None:
    assert await seed_demo_subscribers(settings) == 3
    rows = await Subscriber.all().order_by("id")
    assert {tuple(row.locales) for row in rows} == {("sq",), ("en",), ("sq", "en")}
    assert {row.status for row in rows} == {SubscriberStatus.ACTIVE}
    assert {row.source for row in rows} == {"demo"}
    before = [(row.id, row.updated_at) for row in rows]
    assert await seed_demo_subscribers(settings) == 0
    assert [(row.id, row.updated_at) for row in await Subscriber.all().order_by("id")] == before


async def test_only_configured_languages_are_seeded(settings: Settings) -> None:
    albanian_only = settings.model_copy(update={"locales": ("sq",)})
    assert await seed_demo_subscribers(albanian_only) == 1
