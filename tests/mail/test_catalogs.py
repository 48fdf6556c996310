"""Both catalogs translate every string the email templates use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from service.mail.i18n import catalog_path

_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extracted(templates_dir: Path) -> list[str | tuple[str, ...]]:
    found = extract_from_dir(
        str(templates_dir),
        method_map=[("**.html", "jinja2"), ("**.txt", "jinja2")],
        options_map={"**.html": _OPTIONS, "**.txt": _OPTIONS},
    )
    return [message for _filename, _line, message, _comments, _context in found]


def _template_msgids(templates_dir: Path) -> set[str]:
    msgids: set[str] = set()
    for message in _extracted(templates_dir):
        msgids.update([message] if isinstance(message, str) else message)
    return msgids


def _plural_problems(catalog: Catalog, templates_dir: Path) -> list[str]:
    """ngettext() strings whose catalog entry has no plural forms, or an empty one: the
    reader would get the singular (or the English) whatever the count."""
    problems = []
    for message in _extracted(templates_dir):
        if isinstance(message, str):
            continue
        entry = catalog.get(message[0])
        forms = entry.string if entry is not None else None
        if not isinstance(forms, tuple) or len(forms) != catalog.num_plurals or not all(forms):
            problems.append(f"plural forms: {message[0]!r}")
    return problems


def _catalog(locale: str) -> Catalog:
    with catalog_path(locale).open("rb") as po:
        return read_po(po, locale=locale)


def test_the_templates_have_strings_to_translate(templates_dir: Path) -> None:
    assert "New event published: %(title)s" in _template_msgids(templates_dir)


@pytest.mark.parametrize("locale", ["sq", "en"])
def test_every_template_string_is_translated(locale: str, templates_dir: Path) -> None:
    catalog = _catalog(locale)
    problems = []
    for msgid in sorted(_template_msgids(templates_dir)):
        message = catalog.get(msgid)
        if message is None or not message.string:
            problems.append(f"missing: {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif set(_PLACEHOLDER.findall(msgid)) != set(_PLACEHOLDER.findall(str(message.string))):
            problems.append(f"placeholders differ: {msgid!r}")
    assert problems + _plural_problems(catalog, templates_dir) == []


def test_the_digest_subject_has_plural_forms(templates_dir: Path) -> None:
    plurals = [m for m in _extracted(templates_dir) if not isinstance(m, str)]
    assert ("Weekly digest: %(count)s new",) * 2 in plurals


def test_the_albanian_catalog_is_written_in_albanian() -> None:
    strings = " ".join(str(m.string) for m in _catalog("sq") if m.id)
    assert "ë" in strings
    assert "ç" in strings
    assert _catalog("sq").get("Deadline").string == "Afati i fundit"  # type: ignore[union-attr]
