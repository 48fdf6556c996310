"""Both catalogs translate every string of the subscriber's pages, as they do the emails'."""

from __future__ import annotations

import pytest

from service.web.localized import TEMPLATES_DIR
from tests.mail.test_catalogs import _PLACEHOLDER, _catalog, _template_msgids


def test_the_pages_have_strings_to_translate() -> None:
    assert "Leave the newsletter" in _template_msgids(TEMPLATES_DIR / "subscription")


@pytest.mark.parametrize("locale", ["sq", "en"])
def test_every_page_string_is_translated(locale: str) -> None:
    catalog = _catalog(locale)
    problems = []
    for msgid in sorted(_template_msgids(TEMPLATES_DIR / "subscription")):
        message = catalog.get(msgid)
        if message is None or not message.string:
            problems.append(f"missing: {msgid!r}")
        elif set(_PLACEHOLDER.findall(msgid)) != set(_PLACEHOLDER.findall(str(message.string))):
            problems.append(f"placeholders differ: {msgid!r}")
    assert problems == []
