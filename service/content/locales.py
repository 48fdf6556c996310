"""Which translation serves a request: the asked locale, else the default, else any."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TypeVar

from service.content.errors import ContentError, ContentErrorCode
from service.settings import Settings

T = TypeVar("T")


def _configured(locale: str, locales: tuple[str, ...]) -> str | None:
    # Language tags ignore case (RFC 5646 §2.1.1), and a site passing the browser's tag
    # on ("en-GB", "sq_AL") means its language.
    if locale in locales:
        return locale
    tag = locale.strip().replace("_", "-").lower()
    for candidate in (tag, tag.split("-", 1)[0]):
        if candidate in locales:
            return candidate
    return None


def check_locale(locale: str | None, settings: Settings) -> str:
    """The locale to serve, or UNSUPPORTED_LOCALE for one the site is not configured for."""
    if locale is None:
        return settings.default_locale
    served = _configured(locale, settings.locales)
    if served is None:
        supported = ", ".join(settings.locales)
        raise ContentError.single(
            ContentErrorCode.UNSUPPORTED_LOCALE,
            f"Locale {locale[:40]!r} is not supported (supported: {supported}).",
            "locale",
        )
    return served


@lru_cache(maxsize=64)
def _fallback(locale: str, default: str, locales: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([locale, default, *locales]))


def fallback_order(locale: str, settings: Settings) -> tuple[str, ...]:
    # Asked for every entry and topic of a page: computed once per locale.
    return _fallback(locale, settings.default_locale, settings.locales)


def pick(by_locale: Mapping[str, T], locale: str, settings: Settings) -> T | None:
    for candidate in fallback_order(locale, settings):
        if candidate in by_locale:
            return by_locale[candidate]
    # A locale removed from settings may still have rows: serve them rather than nothing.
    return next(iter(by_locale.values()), None)


@lru_cache(maxsize=8)
def _rank(locales: tuple[str, ...]) -> dict[str, int]:
    return {loc: i for i, loc in enumerate(locales)}


def sorted_locales(locales: Iterable[str], settings: Settings) -> list[str]:
    rank = _rank(settings.locales)
    return sorted(locales, key=lambda loc: (rank.get(loc, len(rank)), loc))
