"""Where the public site shows an entry: the one place `frontend_url` is filled in."""

from __future__ import annotations

from service.content.enums import EntryKind
from service.settings import Settings


def entry_url(kind: EntryKind, entry_id: int, locale: str, slug: str, settings: Settings) -> str:
    """The entry's page in `locale` (feeds, digests, notices and the API all link to it)."""
    return settings.frontend_url.format(locale=locale, kind=kind.value, slug=slug, id=entry_id)
