"""Full-text search of the public entry list: what a search finds, and in what order.

A search matches the translation an entry is served in (the requested locale, else the
default locale, as the entries fall back), over its title, summary and body text, never
its markup. Every word must match, in any order, as a word or the start of one; case
and accents never matter ("Shkoder", "SHKODËR" and "shkodër" are one word). The best
matches come first (title over summary over body), and among equals the newest.

The index is the database's own (migrations/0005_search.py): a tsvector with `unaccent`
on PostgreSQL, FTS5 with remove_diacritics on SQLite; triggers and a generated column
keep it current on every write. One statement either way, whatever the page size.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from service.content.sql import Statement

# More words than this make no better search, only a slower one.
MAX_TERMS = 8
MAX_TERM_LENGTH = 64
_WORD = re.compile(r"\w+")


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    """The words of sanitised body HTML: tags and attributes dropped, entities decoded,
    and a space wherever a tag was, so `<p>one</p><p>two</p>` stays two words."""
    if "<" not in html and "&" not in html:
        return html
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def search_terms(text: str | None) -> list[str] | None:
    """The words of a search, or None for no search at all (absent or blank).

    An empty list means "a search with no words" (only punctuation, say): it finds nothing.
    """
    if text is None or not text.strip():
        return None
    # NFC first: "ë" typed as e + a combining diaeresis is still one letter of one word.
    words = [
        word[:MAX_TERM_LENGTH] for word in _WORD.findall(unicodedata.normalize("NFC", text).lower())
    ]
    return list(dict.fromkeys(words))[:MAX_TERMS]


@dataclass(frozen=True)
class SearchScope:
    """Which translations a search reads: the served locale, falling back to the default."""

    locale: str
    default_locale: str


def _served(sql: Statement, scope: SearchScope | None) -> str:
    if scope is None:  # every translation (no locale asked for)
        return "1 = 1"
    locale = sql.param(scope.locale)
    fallback = sql.param(scope.default_locale)
    return (
        f"(tr.locale = {locale} OR (tr.locale = {fallback} AND NOT EXISTS ("
        "SELECT 1 FROM entry_translation other"
        f" WHERE other.entry_id = tr.entry_id AND other.locale = {locale})))"
    )


def matches(sql: Statement, terms: list[str], scope: SearchScope | None) -> str:
    """A subquery of (entry_id, rank) for the entries whose served translation has every
    term; a larger rank is a better match."""
    if not terms:
        return "SELECT 0 AS entry_id, 0 AS rank WHERE 1 = 0"
    served = _served(sql, scope)
    if sql.postgres:
        # Each word as a quoted lexeme prefix: nothing a user types is tsquery syntax.
        query = sql.param(" & ".join(f"'{term}':*" for term in terms))
        tsquery = f"to_tsquery('buletin_search'::regconfig, {query})"
        return (
            f"SELECT tr.entry_id, ts_rank(tr.search_vector, {tsquery}) AS rank"
            f" FROM entry_translation tr WHERE tr.search_vector @@ {tsquery} AND {served}"
        )
    # FTS5: each word a quoted prefix; bm25 is lower for better matches, so negate it.
    query = sql.param(" ".join(f'"{term}"*' for term in terms))
    return (
        "SELECT tr.entry_id, -bm25(entry_translation_fts, 10.0, 5.0, 1.0) AS rank"
        " FROM entry_translation_fts JOIN entry_translation tr"
        " ON tr.id = entry_translation_fts.rowid"
        f" WHERE entry_translation_fts MATCH {query} AND {served}"
    )


ORDER = "s.rank DESC, e.published_at DESC, e.id DESC"
