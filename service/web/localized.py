"""Web pages in the reader's language: Jinja2 over service/templates with gettext.

The catalogs are the ones emails use (service/locales, read at run time). One environment
per locale, as the mail renderer does, so concurrent requests never swap translations.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from starlette.responses import HTMLResponse

from service.mail.i18n import translations_for
from service.mail.render import translated_environment

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

# Pages reached through a signed link carry it in their URL: never cache them anywhere, and
# never hand the URL to another site as a Referer.
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def language_name(locale: str) -> str:
    """A language's name in itself ("Shqip", "English"), for language choices."""
    try:
        name = Locale.parse(locale).get_display_name(locale) or locale
    except (UnknownLocaleError, ValueError):
        return locale
    return name[:1].upper() + name[1:]


class LocalizedPages:
    def __init__(self, *, site_name: str, directory: Path = TEMPLATES_DIR) -> None:
        self._site_name = site_name
        self._loader = jinja2.FileSystemLoader(directory)
        self._environments: dict[str, jinja2.Environment] = {}

    def environment(self, locale: str) -> jinja2.Environment:
        env = self._environments.get(locale)
        if env is None:
            env = translated_environment(
                self._loader, translations_for(locale), autoescape=True, site_name=self._site_name
            )
            env.globals["language_name"] = language_name
            self._environments[locale] = env
        return env

    def response(
        self,
        template: str,
        locale: str,
        context: Mapping[str, Any],
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        values = {**context, "locale": locale}
        body = self.environment(locale).get_template(template).render(values)
        all_headers = {**PRIVATE_HEADERS, "Content-Language": locale, **(headers or {})}
        return HTMLResponse(body, status_code=status_code, headers=all_headers)
