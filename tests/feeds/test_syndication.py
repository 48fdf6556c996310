"""RSS, Atom and JSON Feed as readers get them: every feed parses, in its language, newest
first, with Albanian intact and nothing a reader must not see."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

import httpx
from starlette.applications import Starlette

from service.content.enums import EntryKind
from service.feeds.rendering import refresh_all
from service.settings import Settings
from service.staff.enums import StaffRole
from tests.factories import bearer, days, entry, gql, now, staff, token_for, topic
from tests.feeds.helpers import feed_list, fetch, parsed, path_of

UPDATE = """mutation($id: ID!, $input: UpdateEntryInput!) {
  updateEntry(id: $id, input: $input) { errors { code message } } }"""


async def newsroom() -> dict[str, int]:
    """Bilingual content, an entry in Albanian only, a draft, and a body with a script."""
    await topic("youth", "Të rinjtë", "Youth")
    await topic("environment", "Mjedisi", "Environment")
    old = await entry(
        "Lajm për Korçën",
        en="News from Korçë",
        published_at=now() - days(4),
        topics=("youth",),
        cover_image_url="https://img.example.org/korce.png",
    )
    event = await entry(
        "Punëtori për të rinjtë në Shkodër",
        en="Youth workshop in Shkodër",
        kind=EntryKind.EVENT,
        published_at=now() - days(3),
        topics=("youth",),
        starts_at=now() + days(10),
        ends_at=now() + days(10.125),
        venue="Bashkia Shkodër",
    )
    call = await entry(
        "Thirrje për projekte mjedisore",
        kind=EntryKind.CALL,
        published_at=now() - days(2),
        topics=("environment",),
        deadline=now() + days(20),
    )
    script = await entry(
        "Çështje me skript",
        en="A story with a script",
        published_at=now() - days(1),
        body="<p>Çdo gjë në rregull</p><script>alert('x')</script>",
    )
    await entry("Draft i fshehtë", en="Secret draft", publish=False)
    return {"old": old.id, "event": event.id, "call": call.id, "script": script.id}


def _when(value: Any) -> datetime:
    return datetime(*value[:6])


async def test_every_listed_feed_parses_in_its_language_newest_first(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await newsroom()
    feeds = await feed_list(client)
    syndication = [f for f in feeds if f["format"] in ("rss", "atom")]
    assert len(syndication) == 2 * (4 + 2) * 2  # locales × (streams + topics) × formats
    for feed in syndication:
        result = await parsed(client, path_of(feed["url"], settings))
        assert result.feed.language == feed["locale"], feed["url"]
        assert result.feed.title == feed["title"]
        published = [_when(item.published_parsed) for item in result.entries]
        assert published == sorted(published, reverse=True), feed["url"]
        text = (await fetch(client, path_of(feed["url"], settings))).text
        assert "<script" not in text
        assert "alert(" not in text
        assert "Draft" not in text
        assert "Secret" not in text

    everything = await parsed(client, "/feeds/sq/all.rss")
    assert [item.title for item in everything.entries] == [
        "Çështje me skript",
        "Thirrje për projekte mjedisore",
        "Punëtori për të rinjtë në Shkodër",
        "Lajm për Korçën",
    ]
    english = await parsed(client, "/feeds/en/all.atom")
    assert [item.title for item in english.entries] == [
        "A story with a script",
        "Thirrje për projekte mjedisore",  # no English text: the Albanian one, said so
        "Youth workshop in Shkodër",
        "News from Korçë",
    ]
    assert english.entries[1].link == "https://example.org/sq/call/thirrje-per-projekte-mjedisore"
    youth = await parsed(client, "/feeds/sq/topics/youth.rss")
    assert youth.feed.title == "Buletin — Të rinjtë"
    assert [item.title for item in youth.entries] == [
        "Punëtori për të rinjtë në Shkodër",
        "Lajm për Korçën",
    ]


async def test_an_item_carries_its_link_dates_topics_and_cover(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await newsroom()
    atom = await parsed(client, "/feeds/sq/all.atom")
    event = next(item for item in atom.entries if item.title.startswith("Punëtori"))
    assert event.link == "https://example.org/sq/event/punetori-per-te-rinjte-ne-shkoder"
    assert [tag.label for tag in event.tags] == ["Të rinjtë"]
    assert "Bashkia Shkodër" in event.content[0].value
    assert "Kur:" in event.summary or "Kur" in event.content[0].value
    rss = await parsed(client, "/feeds/en/news.rss")
    cover = next(item for item in rss.entries if item.title == "News from Korçë")
    assert cover.enclosures[0].href == "https://img.example.org/korce.png"
    assert cover.enclosures[0].type == "image/png"
    assert [link.rel for link in atom.entries[-1].links if link.rel == "enclosure"] == ["enclosure"]
    calls = await parsed(client, "/feeds/en/calls.rss")
    assert "Deadline:" in calls.entries[0].summary


async def test_each_feed_links_itself_and_its_twin_in_the_other_language(
    client: httpx.AsyncClient,
) -> None:
    await newsroom()
    for fmt, media in (("rss", "application/rss+xml"), ("atom", "application/atom+xml")):
        result = await parsed(client, f"/feeds/sq/topics/youth.{fmt}")
        links = {(link.rel, link.get("hreflang"), link.href) for link in result.feed.links}
        assert ("self", None, f"http://127.0.0.1:8000/feeds/sq/topics/youth.{fmt}") in links
        assert ("alternate", "en", f"http://127.0.0.1:8000/feeds/en/topics/youth.{fmt}") in links
        twin = next(link for link in result.feed.links if link.get("hreflang") == "en")
        assert twin.type == media


async def test_guids_and_links_stay_across_rerenders_and_edits(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    ids = await newsroom()
    await refresh_all(settings)
    before = await parsed(client, "/feeds/sq/all.rss")
    before_json = (await fetch(client, "/feeds/en/all.json")).json()
    etag = (await fetch(client, "/feeds/sq/all.rss")).headers["etag"]

    outcome = await refresh_all(settings)
    assert outcome.changed == []  # the same content renders to the same bytes
    assert (await fetch(client, "/feeds/sq/all.rss")).headers["etag"] == etag

    editor = await token_for(await staff(StaffRole.EDITOR))
    edited = await gql(
        client,
        UPDATE,
        {"id": str(ids["old"]), "input": {"translations": [{"locale": "sq", "title": "Korça"}]}},
        headers=bearer(editor),
    )
    assert edited["data"]["updateEntry"]["errors"] == []
    await refresh_all(settings)
    after = await parsed(client, "/feeds/sq/all.rss")
    assert [(i.id, i.link) for i in after.entries] == [(i.id, i.link) for i in before.entries]
    assert "Korça" in [item.title for item in after.entries]
    after_json = (await fetch(client, "/feeds/en/all.json")).json()
    assert [(i["id"], i["url"]) for i in after_json["items"]] == [
        (i["id"], i["url"]) for i in before_json["items"]
    ]
    assert before.entries[-1].id == f"tag:127.0.0.1,2026:sq/entry/{ids['old']}"


async def test_json_feed_follows_the_1_1_rules(client: httpx.AsyncClient, app: Starlette) -> None:
    await newsroom()
    response = await fetch(client, "/feeds/sq/all.json")
    assert response.headers["content-type"] == "application/feed+json; charset=utf-8"
    feed = response.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str)
    assert feed["title"]
    assert feed["feed_url"] == "http://127.0.0.1:8000/feeds/sq/all.json"
    assert feed["home_page_url"].startswith("https://")
    assert feed["language"] == "sq"
    assert len(feed["items"]) == 4
    ids = [item["id"] for item in feed["items"]]
    assert len(set(ids)) == len(ids)
    for item in feed["items"]:
        assert isinstance(item["id"], str)
        assert item["url"].startswith("https://example.org/")
        assert item.get("content_html") or item.get("content_text")
        datetime.fromisoformat(item["date_published"])  # RFC 3339
        datetime.fromisoformat(item["date_modified"])
        assert "<script" not in item["content_html"]
    assert "Çështje me skript" in response.text  # UTF-8 as is, not \\u escapes
    assert feed["items"][-1]["image"] == "https://img.example.org/korce.png"
    assert feed["items"][-1]["tags"] == ["Të rinjtë"]


SITE = 'Bashkitë për Evropën, "AKKSHI" (Tiranë)'
SUMMARY = 'Përmbledhje me ë, ç & <shenja> "thonjëza"'


def _text(detail: Any) -> str:
    """What a reader shows of a feedparser text construct: HTML is rendered, text is not."""
    value = str(detail.value)
    return html.unescape(value) if detail.type == "text/html" else value


async def test_a_plain_text_summary_reaches_rss_and_atom_readers_whole(
    client: httpx.AsyncClient,
) -> None:
    await entry("Lajm me shenja", en="News with marks", summary=SUMMARY)
    for path in ("/feeds/sq/news.rss", "/feeds/sq/news.atom"):
        [item] = (await parsed(client, path)).entries
        assert _text(item.summary_detail) == SUMMARY, path


async def test_atom_feeds_name_the_organisation_as_their_author(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await entry("Lajm", en="News")
    await refresh_all(settings.model_copy(update={"site_name": SITE}))
    for path in ("/feeds/sq/news.atom", "/feeds/en/events.atom"):
        result = await parsed(client, path)
        assert [author.name for author in result.feed.authors] == [SITE], path
