"""gettext catalogs read from the .po files at run time (no compile step, no binary .mo).

Pages and emails share `service/locales/<locale>/LC_MESSAGES/messages.po` (docs/architecture.md §2).
"""

from __future__ import annotations

import gettext
import io
import logging
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

log = logging.getLogger("buletin.mail")

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def catalog_path(locale: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=32)
def translations_for(locale: str, locales_dir: Path = LOCALES_DIR) -> gettext.NullTranslations:
    """The catalog of one locale, parsed once per process.

    A locale without a catalog (one added to LOCALES later) gets the source strings,
    which are English, and a warning, rather than no email at all.
    """
    path = catalog_path(locale, locales_dir)
    if not path.is_file():
        log.warning("mail.catalog_missing locale=%s path=%s", locale, path)
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    # Babel's Translations reads the .mo format, so the catalog goes through it in memory.
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)
