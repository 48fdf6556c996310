"""Feeds kept fresh by the workers: publish and unpublish through GraphQL, let the relay hand
the outbox events over, run a worker, read the feeds as a reader does."""

from __future__ import annotations

import feedparser
import httpx
from starlette.applications import Starlette

from service.content.enums import EntryKind
from service.feeds.rendering import refresh_all
from service.settings import Settings
from service.staff.enums import StaffRole
from tests.factories import bearer, days, entry, gql, now, staff, token_for, topic
from tests.workers.conftest import relay, run_worker
from tests.workers.test_notices import publish_as

UNPUBLISH = "mutation($id: ID!) { unpublishEntry(id: $id) { errors { code } } }"
AFFECTED = {
    f"{locale}/{name}.{fmt}"
    for locale in ("sq", "en")
    for name in ("all", "news", "topics/youth")
    for fmt in ("rss", "atom", "json")
}


async def etags(client: httpx.AsyncClient, paths: set[str]) -> dict[str, str]:
    found = {}
    for path in sorted(paths):
        response = await client.get(f"/feeds/{path}")
        assert response.status_code == 200, path
        found[path] = response.headers["etag"]
    return found


def titles(response: httpx.Response) -> list[str]:
    if response.headers["content-type"].startswith("application/feed+json"):
        return [item["title"] for item in response.json()["items"]]
    return [item.title for item in feedparser.parse(response.content).entries]


async def test_a_publish_reaches_the_feeds_it_belongs_to_and_leaves_the_others_alone(
    client: httpx.AsyncClient, app: Starlette, worker_settings: Settings, settings: Settings
) -> None:
    await topic("youth", "Të rinjtë", "Youth")
    await topic("culture", "Kultura", "Culture")
    await entry("Lajm i vjetër", en="Older news", published_at=now() - days(1))
    await entry("Ngjarje kulturore", kind=EntryKind.EVENT, topics=("culture",))
    await refresh_all(settings)
    every = {
        path
        for path in await _all_paths(client, settings)
        if path not in AFFECTED  # everything else must keep its ETag
    }
    before = await etags(client, AFFECTED | every)

    editor = await token_for(await staff(StaffRole.EDITOR))
    entry_id = await publish_as(
        client,
        editor,
        {
            "kind": "NEWS",
            "topics": ["youth"],
            "translations": [
                {"locale": "sq", "title": "Qendër e re rinore në Gjirokastër"},
                {"locale": "en", "title": "A new youth centre in Gjirokastër"},
            ],
        },
    )
    await app.state.relay.wait()
    await relay(worker_settings)
    await run_worker(worker_settings)

    after = await etags(client, AFFECTED | every)
    assert {path for path in AFFECTED if after[path] == before[path]} == set()
    assert {path for path in every if after[path] != before[path]} == set()
    for path in AFFECTED:
        response = await client.get(f"/feeds/{path}")
        wanted = "Qendër e re rinore" if path.startswith("sq") else "A new youth centre"
        assert titles(response)[0].startswith(wanted), path

    # A reader holding the old ETag gets the new feed, not a 304.
    stale = await client.get("/feeds/sq/all.rss", headers={"if-none-match": before["sq/all.rss"]})
    assert stale.status_code == 200
    assert "Qendër e re rinore në Gjirokastër" in titles(stale)
    fresh = await client.get("/feeds/sq/all.rss", headers={"if-none-match": after["sq/all.rss"]})
    assert fresh.status_code == 304

    unpublished = await gql(client, UNPUBLISH, {"id": entry_id}, headers=bearer(editor))
    assert unpublished["data"]["unpublishEntry"]["errors"] == []
    await app.state.relay.wait()
    await relay(worker_settings)
    await run_worker(worker_settings)
    for path in AFFECTED:
        response = await client.get(f"/feeds/{path}")
        assert not any("Gjirokast" in title for title in titles(response)), path
    gone = await client.get("/feeds/sq/all.rss", headers={"if-none-match": after["sq/all.rss"]})
    assert gone.status_code == 200
    assert titles(gone) == ["Ngjarje kulturore", "Lajm i vjetër"]


async def _all_paths(client: httpx.AsyncClient, settings: Settings) -> set[str]:
    body = await gql(client, "{ feeds { url } }")
    base = f"{settings.public_base_url.rstrip('/')}/feeds/"
    return {feed["url"].removeprefix(base) for feed in body["data"]["feeds"]}
