"""Rendering an email once per variant: subject, text and HTML with the CSS inlined.

A variant is a template in one locale with one context. Its output is the same for every
recipient, so a caller renders it once and builds one MIME message per recipient from it
(docs/architecture.md §8): the per-recipient bits (a name, an unsubscribe link) are
*slots*, rendered as markers and filled in per message with `Rendered.fill`, which costs
a string replace.

Each template is a pair, `<name>.txt` and `<name>.html`, extending `base.txt` / `base.html`.
The subject is the `subject` block of the .txt template; the bodies see it as `subject`.
"""

from __future__ import annotations

import gettext
import html as html_lib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import css_inline
import jinja2

import service
from service.mail.dates import DateFormatter
from service.mail.i18n import LOCALES_DIR, translations_for
from service.settings import Settings


def slot_marker(name: str) -> str:
    # Nothing here is changed by HTML escaping, CSS inlining or the text templates.
    return f"@@slot:{name}@@"


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str
    locale: str
    slots: tuple[str, ...] = field(default=())

    def fill(self, values: Mapping[str, str]) -> Rendered:
        """This variant with its slots filled in for one recipient (HTML-escaped in html)."""
        subject, text, html = self.subject, self.text, self.html
        for filling in fillings(self.slots, values):
            subject = subject.replace(filling.marker, filling.subject)
            text = text.replace(filling.marker, filling.text)
            html = html.replace(filling.marker, filling.html)
        return Rendered(subject, text, html, self.locale)


class Filling(NamedTuple):
    """What replaces one slot's marker in each part of a message."""

    marker: str
    subject: str  # on one line
    text: str
    html: str  # escaped


def fillings(slots: Sequence[str], values: Mapping[str, str]) -> list[Filling]:
    """The slots' values as each part takes them; every slot needs a value."""
    missing = [name for name in slots if name not in values]
    if missing:
        raise ValueError(f"no value for slot(s) {', '.join(missing)}")
    return [
        Filling(slot_marker(name), " ".join(values[name].split()), values[name],
                html_lib.escape(values[name]))
        for name in slots
    ]  # fmt: skip


class TemplatesNotFound(RuntimeError):
    """No email_templates/ folder where the settings and the layout say it should be."""


def find_templates_dir(configured: Path | None = None) -> Path:
    """The email_templates/ folder: the setting, else beside the package, else in the cwd."""
    if configured is not None:
        if not (configured / "base.html").is_file():
            raise TemplatesNotFound(f"EMAIL_TEMPLATES_DIR {configured} holds no base.html")
        return configured
    # A source checkout or editable install has it beside `service/`; the Docker image
    # copies it to /app, its working directory, while the package sits in site-packages.
    candidates = [Path(service.__file__).resolve().parent.parent / "email_templates"]
    candidates.append(Path.cwd() / "email_templates")
    for candidate in candidates:
        if (candidate / "base.html").is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise TemplatesNotFound(f"no email_templates/ found (tried {tried}); set EMAIL_TEMPLATES_DIR")


def translated_environment(
    loader: jinja2.BaseLoader,
    translations: gettext.NullTranslations,
    *,
    autoescape: bool | Callable[[str | None], bool],
    site_name: str,
) -> jinja2.Environment:
    """A Jinja2 environment for one locale's catalog, as emails and pages both use; each
    adds its own filters and globals. Every template sees `site_name`."""
    env = jinja2.Environment(
        loader=loader,
        autoescape=autoescape,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the code: checking their files' times on every load buys nothing.
        auto_reload=False,
    )
    # Whitespace inside {% trans %} is collapsed, so msgids read as one line in the .po.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["site_name"] = site_name
    return env


class Renderer:
    """Jinja2 environments over email_templates/, one per locale, built on first use."""

    def __init__(
        self,
        templates_dir: Path,
        zone: ZoneInfo,
        *,
        site_name: str,
        locales_dir: Path = LOCALES_DIR,
    ) -> None:
        self.templates_dir = templates_dir
        self.zone = zone
        self.site_name = site_name
        self._locales_dir = locales_dir
        self._loader = jinja2.FileSystemLoader(templates_dir)
        self._environments: dict[str, jinja2.Environment] = {}
        # Only what the template carries: an email must never fetch stylesheets.
        self._inliner = css_inline.CSSInliner(load_remote_stylesheets=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Renderer:
        return cls(
            find_templates_dir(settings.email_templates_dir),
            settings.zone,
            site_name=settings.site_name,
        )

    def environment(self, locale: str) -> jinja2.Environment:
        # One environment per locale rather than one whose gettext is swapped per call:
        # installed translations are environment globals, shared by concurrent renders.
        env = self._environments.get(locale)
        if env is None:
            env = self._environments[locale] = self._build_environment(locale)
        return env

    def _build_environment(self, locale: str) -> jinja2.Environment:
        env = translated_environment(
            self._loader,
            translations_for(locale, self._locales_dir),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",)),
            site_name=self.site_name,
        )
        dates = DateFormatter(locale, self.zone)
        env.filters["datetime"] = dates.full
        env.filters["date"] = dates.day
        env.globals["span"] = dates.span
        return env

    def render(
        self,
        template: str,
        locale: str,
        context: Mapping[str, Any],
        *,
        slots: Iterable[str] = (),
    ) -> Rendered:
        env = self.environment(locale)
        slot_names = tuple(slots)
        values: dict[str, Any] = {**context, "locale": locale}
        values.update({name: slot_marker(name) for name in slot_names})
        text_template = env.get_template(f"{template}.txt")
        subject = _one_line(_render_block(text_template, "subject", values))
        if not subject:
            raise ValueError(f"email template {template}.txt has an empty subject block")
        values["subject"] = subject
        text = text_template.render(values).strip() + "\n"
        html = self._inliner.inline(env.get_template(f"{template}.html").render(values))
        return Rendered(subject, text, html, locale, slot_names)

    def macros(self, template: str, locale: str, context: Mapping[str, Any]) -> Any:
        """A template's macros, translated for `locale`, to render parts of a message.

        For messages made of parts in several languages (a bilingual digest): each part
        comes from the macros of its own locale, and the whole is rendered once with them.
        """
        values: dict[str, Any] = {**context, "locale": locale}
        return self.environment(locale).get_template(template).make_module(values)


def _render_block(template: jinja2.Template, name: str, values: dict[str, Any]) -> str:
    block = template.blocks.get(name)
    if block is None:
        raise ValueError(f"email template {template.name} has no {{% block {name} %}}")
    return "".join(block(template.new_context(values)))


def _one_line(value: str) -> str:
    # A header cannot hold a newline; the template's own line breaks are layout.
    return " ".join(value.split())
