"""Repeated public queries are answered from the cache until content changes."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

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
