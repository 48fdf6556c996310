"""The demo content loads bilingual entries around today, and loading it twice changes nothing."""

from __future__ import annotations

import httpx

from service.content.demo import seed_demo
from service.content.enums import EntryKind, EntryStatus
from service.content.models import ContentVersion, Entry, EntryTranslation, Topic
from service.settings import get_settings
from tests.factories import gql

HOME = """
query($locale: String) {
  upcoming: entries(locale: $locale, filter: {upcoming: true}) { totalCount }
  open: entries(locale: $locale, filter: {open: true}) { totalCount }
  all: entries(locale: $locale, first: 100) { totalCount edges { node { locale kind } } }
}
"""


async def test_demo_is_bilingual_and_spans_every_kind(db: None) -> None:
    report = await seed_demo(get_settings())
    assert report.created >= 12
    assert await Topic.all().count() >= 5
    for kind in EntryKind:
        assert await Entry.filter(kind=kind, status=EntryStatus.PUBLISHED).count() >= 3
    for entry in await Entry.all().prefetch_related("translations"):
        assert {tr.locale for tr in entry.translations} == {"sq", "en"}
        assert all(tr.title and tr.summary and tr.body_html for tr in entry.translations)
    # Albanian text is really Albanian, with its letters.
    titles = await EntryTranslation.filter(locale="sq").values_list("title", flat=True)
    albanian = " ".join(str(title) for title in titles)
    assert "ë" in albanian


async def _row_counts() -> tuple[int, int, int]:
    return (
        await Entry.all().count(),
        await EntryTranslation.all().count(),
        await Topic.all().count(),
    )


async def test_demo_twice_changes_nothing(db: None) -> None:
    await seed_demo(get_settings())
    version = (await ContentVersion.get(id=1)).version
    rows = await _row_counts()

    again = await seed_demo(get_settings())

    assert again.created == 0
    assert (await ContentVersion.get(id=1)).version == version
    assert await _row_counts() == rows


async def test_demo_always_has_upcoming_events_and_open_calls(client: httpx.AsyncClient) -> None:
    await seed_demo(get_settings())
    for locale in ("sq", "en"):
        body = await gql(client, HOME, {"locale": locale})
        data = body["data"]
        assert data["upcoming"]["totalCount"] >= 3
        assert data["open"]["totalCount"] >= 3
        assert {edge["node"]["locale"] for edge in data["all"]["edges"]} == {locale}
