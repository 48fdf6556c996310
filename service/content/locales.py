"""Which translation serves a request: the asked locale, else the default, else any."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from service.content.errors import ContentError, ContentErrorCode
from service.settings import Settings

T = TypeVar("T")


def check_locale(locale: str | None, settings: Settings) -> str:
    """The locale to serve, or UNSUPPORTED_LOCALE for one the site is not configured for."""
    if locale is None:
        return settings.default_locale
    if locale not in settings.locales:
        supported = ", ".join(settings.locales)
        raise ContentError.single(
            ContentErrorCode.UNSUPPORTED_LOCALE,
            f"Locale {locale!r} is not supported (supported: {supported}).",
            "locale",
        )
    return locale


def fallback_order(locale: str, settings: Settings) -> list[str]:
    order = [locale, settings.default_locale, *settings.locales]
    return list(dict.fromkeys(order))


def pick(by_locale: Mapping[str, T], locale: str, settings: Settings) -> T | None:
    for candidate in fallback_order(locale, settings):
        if candidate in by_locale:
            return by_locale[candidate]
    # A locale removed from settings may still have rows: serve them rather than nothing.
    return next(iter(by_locale.values()), None)


def sorted_locales(locales: Iterable[str], settings: Settings) -> list[str]:
    rank = {loc: i for i, loc in enumerate(settings.locales)}
    return sorted(locales, key=lambda loc: (rank.get(loc, len(rank)), loc))
