"""Staff notice contexts exactly as the notices job passes them (every key, None when unknown)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def event_context(**overrides: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "entry_title": "Trajnim për shoqërinë civile në Shkodër",
        "entry_kind": "event",
        "entry_url": "https://example.org/sq/event/trajnim-shkoder",
        # 08:00 UTC is 10:00 in Tirana in May (summer time).
        "starts_at": datetime(2026, 5, 4, 8, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 5, 4, 11, 0, tzinfo=UTC),
        "venue": "Pallati i Kulturës, Shkodër",
        "online_url": "https://meet.example.org/trajnim",
        "registration_url": "https://example.org/regjistrohu",
        "opens_at": None,
        "deadline": None,
        "apply_url": None,
        "summary": "Dy ditë trajnim për organizatat e shoqërisë civile.",
        "published_by": "Ana Hoxha",
        "time_zone": "Ora: Shqipëri",
        "other_languages": [
            {"locale": "en", "name": "anglisht", "url": "https://example.org/en/event/training"}
        ],
        "preview_url": "https://example.org/preview?token=abc&locale=sq",
        "recipient_name": "Ëndri Çela",
        "site_name": "Buletin",
    }
    context.update(overrides)
    return context


def call_context(**overrides: Any) -> dict[str, Any]:
    context = event_context(
        entry_title="Thirrje për grante të vogla 2026",
        entry_kind="call",
        entry_url="https://example.org/en/call/small-grants-2026",
        starts_at=None,
        ends_at=None,
        venue=None,
        online_url=None,
        registration_url=None,
        opens_at=datetime(2026, 5, 1, 7, 0, tzinfo=UTC),
        # 21:59 UTC on 15 May is 23:59 in Tirana.
        deadline=datetime(2026, 5, 15, 21, 59, tzinfo=UTC),
        apply_url="https://example.org/apliko",
        summary="Grante deri në 5,000 euro për projekte komunitare.",
        published_by=None,
    )
    context.update(overrides)
    return context
