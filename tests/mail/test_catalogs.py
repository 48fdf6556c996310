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


def _template_msgids(templates_dir: Path) -> set[str]:
    found = extract_from_dir(
        str(templates_dir),
        method_map=[("**.html", "jinja2"), ("**.txt", "jinja2")],
        options_map={"**.html": _OPTIONS, "**.txt": _OPTIONS},
    )
    msgids: set[str] = set()
    for _filename, _line, message, _comments, _context in found:
        msgids.update([message] if isinstance(message, str) else message)
    return msgids


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
    assert problems == []


def test_the_albanian_catalog_is_written_in_albanian() -> None:
    strings = " ".join(str(m.string) for m in _catalog("sq") if m.id)
    assert "ë" in strings
    assert "ç" in strings
    assert _catalog("sq").get("Deadline").string == "Afati i fundit"  # type: ignore[union-attr]
