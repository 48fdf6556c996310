"""What a staff notice says, per language, from the entry as it is now.

The delivery engine's staff-notice mailing (service/notices/sending.py) renders it once
per language.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from babel import Locale
from babel.dates import get_timezone_location

from service.content import queries
from service.content.enums import EntryStatus
from service.content.locales import pick, sorted_locales
from service.content.preview import make_preview_token
from service.content.urls import entry_url
from service.settings import Settings

# A notice may be read days later: its preview link outlives the usual preview token.
PREVIEW_LINK_LIFETIME = timedelta(days=7)


def language_name(locale: str, in_locale: str) -> str:
    """ "anglisht" for en in an Albanian notice, "Albanian" for sq in an English one."""
    try:
        return Locale.parse(locale).get_display_name(in_locale) or locale
    except (ValueError, LookupError):
        return locale


async def notice_contexts(
    entry_id: int, settings: Settings, published_by: str | None
) -> dict[str, dict[str, Any]] | None:
    """The template's context for each configured locale; None when the entry is gone.

    `published_by` is the publisher's name, from the outbox event that announced the
    publication (None when the scheduler or a script published). Every key is always
    present (None when unknown): the templates are strict.
    """
    row = await queries.find_by_id(entry_id, statuses=tuple(EntryStatus))
    if row is None:
        return None
    translations = {
        tr.locale: tr for tr in (await queries.translations_by_entry([entry_id]))[entry_id]
    }
    preview = make_preview_token(entry_id, settings, ttl=PREVIEW_LINK_LIFETIME)

    contexts: dict[str, dict[str, Any]] = {}
    for locale in settings.locales:
        tr = pick(translations, locale, settings)
        if tr is None:
            return None
        others = [
            {
                "locale": other,
                "name": language_name(other, locale),
                "url": entry_url(row.kind, row.id, other, translations[other].slug, settings),
            }
            for other in sorted_locales(translations, settings)
            if other != tr.locale
        ]
        contexts[locale] = {
            "entry_title": tr.title,
            "entry_kind": row.kind.value,
            "entry_url": entry_url(row.kind, row.id, tr.locale, tr.slug, settings),
            "other_languages": others,
            "preview_url": settings.preview_url.format(
                token=preview.token, locale=tr.locale, kind=row.kind.value, id=row.id
            ),
            # Every time in the notice is in this zone: say so, in the reader's language.
            "time_zone": get_timezone_location(settings.zone, locale=locale),
            "summary": tr.summary,
            "starts_at": row.starts_at,
            "ends_at": row.ends_at,
            "venue": row.venue,
            "online_url": row.online_url,
            "registration_url": row.registration_url,
            "opens_at": row.opens_at,
            "deadline": row.deadline,
            "apply_url": row.apply_url,
            "published_by": published_by,
        }
    return contexts
