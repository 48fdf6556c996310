"""Search finds what people type: accents and case ignored, words in any order, never
markup, only in the locale asked for (with the entries' fallback), best matches first.
The same tests run on SQLite (FTS5) and PostgreSQL (tsvector with unaccent)."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from service.content.actions import create_entry, update_entry
from service.content.enums import EntryKind
from service.content.inputs import EntryData, EntryPatch, TranslationData
from service.content.publishing import publish_entry, unpublish_entry
from service.content.search import html_text, search_terms
from service.settings import get_settings
from service.staff.actors import SYSTEM
from tests.api.test_query_counts import count_statements
from tests.factories import days, entry, gql, now

SEARCH = """
query($search: String!, $locale: String, $first: Int, $after: String) {
  entries(filter: { search: $search }, locale: $locale, first: $first, after: $after) {
    edges { cursor node { title locale } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}"""


async def found(
    client: httpx.AsyncClient, search: str, locale: str | None = None, **more: Any
) -> list[str]:
    body = await gql(client, SEARCH, {"search": search, "locale": locale, **more})
    assert "errors" not in body, body
    return [edge["node"]["title"] for edge in body["data"]["entries"]["edges"]]


async def bilingual(sq: tuple[str, str], en: tuple[str, str] | None = None, **fields: Any) -> int:
    """A published news entry: (title, body) in Albanian, and in English when given."""
    translations = [TranslationData("sq", sq[0], body=sq[1])]
    if en is not None:
        translations.append(TranslationData("en", en[0], body=en[1]))
    made = await create_entry(
        EntryData(kind=EntryKind.NEWS, translations=translations),
        actor=SYSTEM,
        settings=get_settings(),
    )
    await publish_entry(made.id, at=fields.get("published_at"), actor=SYSTEM)
    return made.id


def test_html_text_keeps_the_words_and_drops_the_markup() -> None:
    html = '<p>Një <a href="https://example.org/x">lidhje</a></p><p>e dytë &amp; fund</p>'
    assert html_text(html) == "Një lidhje e dytë & fund"
    assert search_terms("  ") is None
    assert search_terms("<p>") == ["p"]
    assert search_terms("Buxhet,  BUXHET budget!") == ["buxhet", "budget"]


async def test_accents_and_case_do_not_matter(client: httpx.AsyncClient) -> None:
    await entry("Dita e hapur në Shkodër")
    await entry("Takim në Tiranë")
    for typed in ("Shkoder", "SHKODËR", "shkodër", "shkod"):
        assert await found(client, typed) == ["Dita e hapur në Shkodër"], typed
    assert await found(client, "tirane") == ["Takim në Tiranë"]


async def test_every_word_must_match_in_any_order(client: httpx.AsyncClient) -> None:
    await bilingual(
        ("Buxhetim me pjesëmarrje", "<p>Qytetarët vendosin.</p>"),
        ("Participatory budgeting", "<p>Citizens decide.</p>"),
    )
    await bilingual(("Buxhet vjetor", ""), ("Annual budget", ""))
    assert await found(client, "budgeting participatory", "en") == ["Participatory budgeting"]
    assert await found(client, "citizens budgeting", "en") == ["Participatory budgeting"]
    assert sorted(await found(client, "budget", "en")) == [
        "Annual budget",
        "Participatory budgeting",
    ]
    assert await found(client, "budgeting annual", "en") == []


async def test_markup_is_never_searched(client: httpx.AsyncClient) -> None:
    await bilingual(("Lajm", '<p>Lexoni <a href="https://example.org/thirrja">thirrjen</a>.</p>'))
    for typed in ("href", "<p>", "example", "https", "strong"):
        assert await found(client, typed) == [], typed
    assert await found(client, "thirrjen") == ["Lajm"]
    assert await found(client, "!!!") == []


async def test_only_the_locale_asked_for_with_the_default_as_fallback(
    client: httpx.AsyncClient,
) -> None:
    await bilingual(("Trajnim për gazetarët", ""), ("Training for journalists", ""))
    await bilingual(("Trajnim vetëm shqip", ""))
    assert await found(client, "training", "sq") == []
    assert await found(client, "training", "en") == ["Training for journalists"]
    # The Albanian-only entry is served in Albanian to English readers: searched so too.
    assert await found(client, "trajnim", "en") == ["Trajnim vetëm shqip"]
    assert sorted(await found(client, "trajnim", "sq")) == [
        "Trajnim për gazetarët",
        "Trajnim vetëm shqip",
    ]


async def test_best_matches_first_and_the_newest_among_equals(client: httpx.AsyncClient) -> None:
    body = "<p>Grante për të rinjtë.</p>"
    await bilingual(("Njoftim i ri", body), published_at=now() - days(1))
    await bilingual(("Grante për të rinjtë", "<p>Grante.</p>"), published_at=now() - days(9))
    await bilingual(("Njoftim i vjetër", body), published_at=now() - days(5))
    assert await found(client, "grante") == [
        "Grante për të rinjtë",  # in the title: the best match, though the oldest
        "Njoftim i ri",  # the same match as the next one, but newer
        "Njoftim i vjetër",
    ]


async def test_edits_and_unpublishing_reach_the_search_at_once(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    entry_id = await bilingual(("Konsultim publik", "<p>Plani urban.</p>"))
    await update_entry(
        entry_id,
        EntryPatch(translations=[TranslationData("sq", "Konsultim publik", body="<p>Parku.</p>")]),
        actor=SYSTEM,
        settings=get_settings(),
    )
    # Changed in this process without the API: read the new content version, as the
    # periodic check would within a second.
    await app.state.content_versions.refresh()
    assert await found(client, "urban") == []
    assert await found(client, "parku") == ["Konsultim publik"]
    await unpublish_entry(entry_id, actor=SYSTEM)
    await app.state.content_versions.refresh()
    assert await found(client, "parku") == []


async def test_pages_walk_every_match_once(client: httpx.AsyncClient) -> None:
    for i in range(5):
        await entry(f"Thirrje {i}", published_at=now() - days(i + 1))
    await entry("Tjetër")
    seen: list[str] = []
    after = None
    while True:
        body = await gql(client, SEARCH, {"search": "thirrje", "first": 2, "after": after})
        page = body["data"]["entries"]
        assert page["totalCount"] == 5
        seen += [edge["node"]["title"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"Thirrje {i}" for i in range(5)]
    bad = await gql(client, SEARCH, {"search": "thirrje", "after": "bm90LWEtY3Vyc29y"})
    assert [e["extensions"]["code"] for e in bad["errors"]] == ["BAD_USER_INPUT"]


async def test_a_search_costs_the_same_statements_for_3_matches_and_for_30(
    client: httpx.AsyncClient,
) -> None:
    for i in range(30):
        await entry(f"Festival {i}", en=f"Festival {i}")
    for i in range(3):
        await entry(f"Koncert {i}", en=f"Concert {i}")
    with count_statements() as few:
        assert len(await found(client, "koncert", first=50)) == 3
    with count_statements() as many:
        assert len(await found(client, "festival", first=50)) == 30
    # The content version, the page, its translations, the total: whatever the matches.
    assert len(few) == len(many) <= 4, many
