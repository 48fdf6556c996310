"""What a digest says, rendered from entries in the database: its subject counts in each
language's grammar, and its times name their zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.applications import Starlette

from service.audience.digest_render import build_view, render_digest
from service.audience.digests import CALLS, EVENTS, NEW
from service.audience.enums import DigestFrequency
from service.content.enums import EntryKind
from service.mail.render import Rendered, Renderer
from service.settings import Settings
from tests.factories import days, entry, now


async def render(
    frequency: DigestFrequency, variant: str, new: list[int], settings: Settings, **more: list[int]
) -> Rendered:
    view = await build_view(0, frequency, {NEW: new, EVENTS: [], CALLS: [], **more})
    return render_digest(
        view,
        variant,
        view.contents.everything(),
        renderer=Renderer.from_settings(settings),
        settings=settings,
        personal=False,
    )


@pytest.mark.parametrize(
    ("frequency", "variant", "one", "two"),
    [
        ("weekly", "sq", "Buletini javor: 1 e re", "Buletini javor: 2 të reja"),
        ("daily", "sq", "Buletini ditor: 1 e re", "Buletini ditor: 2 të reja"),
        ("weekly", "en", "Weekly digest: 1 new", "Weekly digest: 2 new"),
        ("daily", "en", "Daily digest: 1 new", "Daily digest: 2 new"),
        (
            "weekly",
            "bilingual",
            "Buletini javor: 1 e re / Weekly digest: 1 new",
            "Buletini javor: 2 të reja / Weekly digest: 2 new",
        ),
    ],
)
async def test_the_subject_counts_in_each_language_grammar(
    app: Starlette, db: None, settings: Settings, frequency: str, variant: str, one: str, two: str
) -> None:
    first = await entry("Lajm i parë", en="First news", published_at=now() - days(1))
    second = await entry("Lajm i dytë", en="Second news", published_at=now() - days(1))
    chosen = DigestFrequency(frequency)
    assert (await render(chosen, variant, [first.id], settings)).subject == one
    assert (await render(chosen, variant, [first.id, second.id], settings)).subject == two


async def test_event_and_deadline_times_name_their_zone(
    app: Starlette, db: None, settings: Settings
) -> None:
    assert settings.timezone == "Europe/Tirane"
    event = await entry(
        "Trajnim në Shkodër",
        en="Training in Shkodër",
        kind=EntryKind.EVENT,
        starts_at=datetime(2026, 12, 20, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 20, 11, 0, tzinfo=UTC),
        published_at=now() - days(1),
    )
    call = await entry(
        "Grante të vogla",
        en="Small grants",
        kind=EntryKind.CALL,
        deadline=datetime(2027, 1, 5, 22, 59, tzinfo=UTC),
        published_at=now() - days(1),
    )
    english = await render(DigestFrequency.WEEKLY, "en", [event.id, call.id], settings)
    assert "When: Sunday, 20 December 2026, 10:00–12:00 (Albania Time)" in english.text
    assert "Deadline: Tuesday, 5 January 2027, 23:59 (Albania Time)" in english.text
    assert "Sunday, 20 December 2026, 10:00–12:00 (Albania Time)" in english.html
    assert "Tuesday, 5 January 2027, 23:59</strong> (Albania Time)" in english.html

    both = await render(DigestFrequency.WEEKLY, "bilingual", [event.id, call.id], settings)
    assert "Kur: e diel, 20 dhjetor 2026, 10:00–12:00 (Ora: Shqipëri)" in both.text
    assert "Afati i fundit: e martë, 5 janar 2027, 23:59 (Ora: Shqipëri)" in both.text
    assert "When: Sunday, 20 December 2026, 10:00–12:00 (Albania Time)" in both.text
    assert "e martë, 5 janar 2027, 23:59</strong> (Ora: Shqipëri)" in both.html
