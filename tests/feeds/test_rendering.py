"""Which feeds a change re-renders: the ones listing the entry after it, and before it."""

from __future__ import annotations

import feedparser
import httpx

from service.content.topics import delete_topic
from service.feeds.models import FeedSnapshot
from service.feeds.rendering import refresh_all, refresh_for_entry
from service.settings import Settings
from service.staff.actors import SYSTEM
from service.staff.enums import StaffRole
from tests.factories import bearer, entry, gql, staff, token_for, topic

MOVE = """mutation($id: ID!, $topics: [String!]) {
  updateEntry(id: $id, input: { topics: $topics }) { errors { code } } }"""


def titles(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item.title for item in feedparser.parse(response.content).entries]


async def test_an_entry_moved_to_another_topic_leaves_the_old_topics_feed(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await topic("youth", "Të rinjtë", "Youth")
    await topic("culture", "Kultura", "Culture")
    moved = await entry("Festival i të rinjve", topics=("youth",))
    await refresh_all(settings)
    assert titles(await client.get("/feeds/sq/topics/youth.rss")) == ["Festival i të rinjve"]
    news_etag = (await client.get("/feeds/sq/news.atom")).headers["etag"]

    editor = await token_for(await staff(StaffRole.EDITOR))
    answer = await gql(
        client, MOVE, {"id": str(moved.id), "topics": ["culture"]}, headers=bearer(editor)
    )
    assert answer["data"]["updateEntry"]["errors"] == []
    outcome = await refresh_for_entry(moved.id, settings)

    assert titles(await client.get("/feeds/sq/topics/youth.rss")) == []
    assert titles(await client.get("/feeds/en/topics/culture.rss")) == ["Festival i të rinjve"]
    assert "sq/topics/youth.rss" in outcome.changed
    # The news feed shows the entry's topics as categories, so it changes too.
    assert (await client.get("/feeds/sq/news.atom")).headers["etag"] != news_etag
    assert not any("calendar" in path or path.endswith(".ics") for path in outcome.changed)


async def test_a_deleted_topics_feeds_go_at_the_next_full_render(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await topic("youth", "Të rinjtë", "Youth")
    await entry("Lajm", topics=("youth",))
    assert (await client.get("/feeds/sq/topics/youth.json")).status_code == 200
    await delete_topic("youth", actor=SYSTEM)
    await refresh_all(settings)
    assert await FeedSnapshot.filter(path__contains="youth").count() == 0
    assert (await client.get("/feeds/sq/topics/youth.json")).status_code == 404
