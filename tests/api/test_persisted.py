"""Automatic persisted queries (Apollo's protocol) and the trusted-documents mode."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from starlette.applications import Starlette

from service.api.params import GraphQLParams
from service.api.persisted import PersistedQueries
from service.settings import Settings
from tests.conftest import client_with

OPERATIONS = Path(__file__).parents[2] / "graphql" / "operations"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def fresh_query() -> str:
    # A text no earlier test registered: the store is shared by the whole run.
    return f"# {secrets.token_hex(8)}\n{{ locales }}"


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors", [])]


async def test_a_post_round_trip(client: httpx.AsyncClient) -> None:
    query = fresh_query()
    ext = persisted(sha(query))
    unknown = await client.post("/graphql", json={"extensions": ext})
    assert codes(unknown) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert unknown.headers["cache-control"] == "private, no-store"
    registered = await client.post("/graphql", json={"query": query, "extensions": ext})
    assert registered.json() == {"data": {"locales": ["sq", "en"]}}
    again = await client.post("/graphql", json={"extensions": ext})
    assert again.json() == {"data": {"locales": ["sq", "en"]}}


async def test_a_get_round_trip(client: httpx.AsyncClient) -> None:
    query = fresh_query()
    ext = json.dumps(persisted(sha(query)))
    unknown = await client.get("/graphql", params={"extensions": ext})
    assert codes(unknown) == ["PERSISTED_QUERY_NOT_FOUND"]
    registered = await client.get("/graphql", params={"query": query, "extensions": ext})
    assert registered.json() == {"data": {"locales": ["sq", "en"]}}
    again = await client.get("/graphql", params={"extensions": ext})
    assert again.json() == {"data": {"locales": ["sq", "en"]}}
    assert again.headers["cache-control"].startswith("public")


async def test_a_hash_that_does_not_match_its_text_is_refused(client: httpx.AsyncClient) -> None:
    query = fresh_query()
    response = await client.post(
        "/graphql", json={"query": query, "extensions": persisted(sha("{ topics { slug } }"))}
    )
    assert response.status_code == 400
    assert codes(response) == ["BAD_REQUEST"]
    # Nothing was stored under the wrong hash.
    lookup = await client.post(
        "/graphql", json={"extensions": persisted(sha("{ topics { slug } }"))}
    )
    assert codes(lookup) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_the_store_keeps_at_most_its_bound(app: Starlette) -> None:
    redis: Redis = app.state.redis
    store = PersistedQueries(
        prefix=f"{app.state.settings.queue_name}:apq-bound-{secrets.token_hex(4)}",
        ttl_seconds=60,
        max_entries=2,
    )
    store.redis = redis
    texts = [fresh_query() for _ in range(3)]
    for text in texts:
        await store.resolve(GraphQLParams(text, None, None, persisted(sha(text))))
    keys = [key async for key in redis.scan_iter(match=f"{store.prefix}:q:*")]
    assert len(keys) == 2
    assert await redis.exists(f"{store.prefix}:q:{sha(texts[0])}") == 0
    await redis.delete(*keys, f"{store.prefix}:index")


async def test_a_hash_registered_in_one_process_is_known_to_another(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    query = fresh_query()
    registered = await client.post(
        "/graphql", json={"query": query, "extensions": persisted(sha(query))}
    )
    assert "errors" not in registered.json()
    # Another API process: the same Redis and prefix, nothing in its own memory.
    other = PersistedQueries.from_settings(app.state.settings)
    other.redis = app.state.redis
    found = await other.resolve(GraphQLParams(None, None, None, persisted(sha(query))))
    assert found.query == query


@pytest.fixture
async def trusted_client(
    app: Starlette, settings: Settings, db: None
) -> AsyncIterator[httpx.AsyncClient]:
    async with client_with(app, settings, trusted_documents_only=True) as http:
        yield http


async def test_trusted_documents_mode_runs_only_the_published_operations(
    trusted_client: httpx.AsyncClient,
) -> None:
    home = (OPERATIONS / "HomePage.graphql").read_text()
    by_hash = await trusted_client.post(
        "/graphql", json={"extensions": persisted(sha(home)), "variables": {"locale": "en"}}
    )
    assert by_hash.status_code == 200
    assert "errors" not in by_hash.json(), by_hash.text
    by_text = await trusted_client.post("/graphql", json={"query": home})
    assert "errors" not in by_text.json(), by_text.text
    for payload in (
        {"query": "{ locales }"},
        {"extensions": persisted(sha("{ locales }"))},
        {"query": "{ locales }", "extensions": persisted(sha("{ locales }"))},
    ):
        refused = await trusted_client.post("/graphql", json=payload)
        assert refused.status_code == 400
        assert codes(refused) == ["DOCUMENT_NOT_TRUSTED"]
