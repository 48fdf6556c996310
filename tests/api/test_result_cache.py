"""Repeated public queries are answered from the cache until content changes."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

from service.content.actions import EntryPatch, TranslationData, update_entry
from service.settings import get_settings
from service.staff.actors import SYSTEM
from service.staff.enums import StaffRole
from tests.factories import bearer, entry, gql, staff, token_for

QUERY = "{ entries { edges { node { title } } } }"


@pytest.fixture(autouse=True)
def steady_clock(app: Starlette) -> Iterator[None]:
    # One minute bucket for the whole test: a boundary in between would be a new key.
    cache = app.state.result_cache
    now = time.time()
    cache.clock = lambda: now
    yield
    cache.clock = time.time


async def settled(app: Starlette) -> None:
    """This process has learned of the content just made (as a NOTIFY or its check would)."""
    await app.state.content_versions.refresh()


async def fetch(client: httpx.AsyncClient, etag: str | None = None) -> httpx.Response:
    headers = {"If-None-Match": etag} if etag is not None else None
    return await client.get("/graphql", params={"query": QUERY}, headers=headers)


def titles(response: httpx.Response) -> list[str]:
    return [e["node"]["title"] for e in response.json()["data"]["entries"]["edges"]]


async def test_get_answers_carry_etag_and_cache_control(client: httpx.AsyncClient) -> None:
    await entry("Lajm")
    response = await client.get("/graphql", params={"query": QUERY})
    assert response.status_code == 200
    assert titles(response) == ["Lajm"]
    assert response.headers["etag"].startswith('W/"')
    assert response.headers["cache-control"] == "public, max-age=30"


async def test_matching_conditional_get_is_304(client: httpx.AsyncClient, app: Starlette) -> None:
    await entry("Lajm")
    await settled(app)
    first = await client.get("/graphql", params={"query": QUERY})
    again = await client.get(
        "/graphql", params={"query": QUERY}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


async def test_publishing_changes_the_answer_and_the_etag(client: httpx.AsyncClient) -> None:
    await entry("Lajm")
    draft = await entry("I ri", publish=False)
    before = await client.get("/graphql", params={"query": QUERY})
    assert titles(before) == ["Lajm"]

    editor = bearer(await token_for(await staff(StaffRole.EDITOR)))
    published = await gql(
        client,
        "mutation($id: ID!) { publishEntry(id: $id) { errors { code } } }",
        {"id": str(draft.id)},
        headers=editor,
    )
    assert published["data"]["publishEntry"]["errors"] == []

    after = await client.get(
        "/graphql", params={"query": QUERY}, headers={"If-None-Match": before.headers["etag"]}
    )
    assert after.status_code == 200
    assert titles(after) == ["I ri", "Lajm"]
    assert after.headers["etag"] != before.headers["etag"]


async def test_a_repeated_query_skips_execution(client: httpx.AsyncClient, app: Starlette) -> None:
    await entry("Lajm")
    await settled(app)
    cache = app.state.result_cache
    first = await client.post("/graphql", json={"query": QUERY})
    hits = cache.hits
    second = await client.post("/graphql", json={"query": QUERY})
    assert second.content == first.content
    assert cache.hits == hits + 1


async def test_errors_are_not_cached(client: httpx.AsyncClient, app: Starlette) -> None:
    cache = app.state.result_cache
    before = len(cache)
    query = '{ entries(locale: "xx") { edges { cursor } } }'
    response = await client.get("/graphql", params={"query": query})
    assert response.json()["errors"]
    assert "etag" not in response.headers
    assert len(cache) == before


async def test_authenticated_requests_bypass_the_cache(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await entry("Lajm")
    token = await token_for(await staff(StaffRole.EDITOR))
    cache = app.state.result_cache
    before = len(cache)
    response = await client.get("/graphql", params={"query": QUERY}, headers=bearer(token))
    assert titles(response) == ["Lajm"]
    assert response.headers["cache-control"] == "private, no-store"
    assert "etag" not in response.headers
    assert len(cache) == before


async def test_an_expired_entry_with_the_same_body_is_still_304(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await entry("Lajm")
    await settled(app)
    first = await fetch(client)
    cache = app.state.result_cache
    later = cache.clock() + 2 * 60
    cache.clock = lambda: later  # a new minute: the answer is made again
    again = await fetch(client, first.headers["etag"])
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]


async def test_an_edit_outside_the_answer_keeps_the_etag(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    news = await entry("Lajm")
    await settled(app)
    first = await fetch(client)
    version = app.state.content_versions.current
    # The query asks for titles only: a new summary bumps the version, not this body.
    await update_entry(
        news.id,
        EntryPatch(translations=[TranslationData("sq", "Lajm", summary="Tjetër")]),
        actor=SYSTEM,
        settings=get_settings(),
    )
    await settled(app)
    assert app.state.content_versions.current > version
    again = await fetch(client, first.headers["etag"])
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]


async def test_every_spelling_of_a_query_has_the_same_etag(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await entry("Lajm")
    await settled(app)
    text = "query Home { entries { edges { node { title } } } }"
    ext = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha256(text)}})
    spellings = [
        {"query": text, "extensions": ext},
        {"extensions": ext},
        {"query": text, "operationName": "Home"},
        {"query": QUERY},
    ]
    answers = [await client.get("/graphql", params=params) for params in spellings]
    assert [a.status_code for a in answers] == [200] * 4
    assert len({a.content for a in answers}) == 1
    assert len({a.headers["etag"] for a in answers}) == 1


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(
    "header",
    [
        "{etag}",
        "{strong}",
        '"elsewhere", {etag}',
        'W/"elsewhere",{strong}',
        "*",
    ],
)
async def test_if_none_match_compares_weakly_and_takes_lists(
    client: httpx.AsyncClient, app: Starlette, header: str
) -> None:
    await entry("Lajm")
    await settled(app)
    etag = (await fetch(client)).headers["etag"]
    strong = etag.removeprefix("W/")
    again = await fetch(client, header.format(etag=etag, strong=strong))
    assert again.status_code == 304
    assert again.content == b""


async def test_if_none_match_with_other_tags_gets_the_body(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await entry("Lajm")
    await settled(app)
    again = await fetch(client, 'W/"elsewhere", "other"')
    assert again.status_code == 200
    assert titles(again) == ["Lajm"]


async def test_head_answers_like_get_without_a_body(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await entry("Lajm")
    await settled(app)
    got = await fetch(client)
    for _ in range(2):  # a miss, then a hit
        head = await client.head("/graphql", params={"query": QUERY})
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["etag"] == got.headers["etag"]
        assert head.headers["content-type"] == "application/json"
        assert head.headers["content-length"] == str(len(got.content))
    unchanged = await client.head(
        "/graphql", params={"query": QUERY}, headers={"If-None-Match": got.headers["etag"]}
    )
    assert unchanged.status_code == 304
