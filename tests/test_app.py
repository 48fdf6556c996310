"""The application as a browser meets it: CORS for frontends on other origins."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from service.devserver import LOCALHOST_ORIGINS
from service.settings import Settings
from tests.conftest import client_with

FRONTEND = "http://localhost:3000"


@pytest.fixture
async def cors_client(
    app: Starlette, settings: Settings, db: None
) -> AsyncIterator[httpx.AsyncClient]:
    async with client_with(app, settings, cors_origins=(FRONTEND,)) as http:
        yield http


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }


async def test_an_allowed_origin_gets_through_preflight_and_post(
    cors_client: httpx.AsyncClient,
) -> None:
    check = await cors_client.options("/graphql", headers=preflight(FRONTEND))
    assert check.status_code == 200
    assert check.headers["access-control-allow-origin"] == FRONTEND
    assert "authorization" in check.headers["access-control-allow-headers"].lower()
    response = await cors_client.post(
        "/graphql", json={"query": "{ locales }"}, headers={"Origin": FRONTEND}
    )
    assert response.json() == {"data": {"locales": ["sq", "en"]}}
    assert response.headers["access-control-allow-origin"] == FRONTEND


async def test_a_preflight_may_ask_for_any_request_header(cors_client: httpx.AsyncClient) -> None:
    # What Apollo Client, Sentry and tracing proxies add to a request.
    wanted = "apollographql-client-name, sentry-trace, baggage, x-request-id, content-type"
    headers = {**preflight(FRONTEND), "Access-Control-Request-Headers": wanted}
    check = await cors_client.options("/graphql", headers=headers)
    assert check.status_code == 200
    assert check.headers["access-control-allow-origin"] == FRONTEND
    allowed = {h.strip() for h in check.headers["access-control-allow-headers"].split(",")}
    assert {h.strip() for h in wanted.split(",")} <= allowed
    assert "access-control-allow-credentials" not in check.headers


async def test_a_frontend_may_read_the_etag(cors_client: httpx.AsyncClient) -> None:
    response = await cors_client.get(
        "/graphql", params={"query": "{ locales }"}, headers={"Origin": FRONTEND}
    )
    assert response.headers["etag"]
    exposed = response.headers["access-control-expose-headers"].lower().split(",")
    assert "etag" in {h.strip() for h in exposed}


async def test_another_origin_gets_no_cors_headers(cors_client: httpx.AsyncClient) -> None:
    check = await cors_client.options("/graphql", headers=preflight("https://evil.example"))
    assert "access-control-allow-origin" not in check.headers
    response = await cors_client.post(
        "/graphql", json={"query": "{ locales }"}, headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in response.headers


async def test_without_cors_origins_no_origin_is_allowed(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ locales }"}, headers={"Origin": FRONTEND}
    )
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://localhost:5173", True),
        ("http://127.0.0.1:3000", True),
        ("http://localhost", True),
        ("http://localhost.evil.example", False),
        ("https://example.org", False),
    ],
)
def test_the_quick_start_allows_localhost_origins_only(origin: str, allowed: bool) -> None:
    import re

    assert (re.fullmatch(LOCALHOST_ORIGINS, origin) is not None) is allowed
