"""Slugs from titles: Albanian letters transliterated (ë→e, ç→c), unique per locale."""

from __future__ import annotations

from slugify import slugify

from service.content.models import EntryTranslation

MAX_SLUG_LENGTH = 120
MAX_TOPIC_SLUG_LENGTH = 80  # Topic.slug's column


def slug_from_title(title: str) -> str:
    return slugify(title, max_length=MAX_SLUG_LENGTH, word_boundary=True) or "entry"


async def unique_slug(base: str, locale: str, *, exclude_entry_id: int | None = None) -> str:
    """`base`, or `base-2`, `base-3`… whichever no other entry uses in this locale."""
    taken_query = EntryTranslation.filter(locale=locale, slug__startswith=base)
    if exclude_entry_id is not None:
        taken_query = taken_query.exclude(entry_id=exclude_entry_id)
    taken = {str(slug) for slug in await taken_query.values_list("slug", flat=True)}
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
