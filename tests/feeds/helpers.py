"""Reading feeds the way readers do: over HTTP from the app, parsed by feedparser."""

from __future__ import annotations

from typing import Any

import feedparser
import httpx

from service.settings import Settings
from tests.factories import gql

FEEDS = """query($locale: String) { feeds(locale: $locale) { url title locale format stream } }"""


def path_of(url: str, settings: Settings) -> str:
    return url.removeprefix(settings.public_base_url.rstrip("/"))


async def fetch(client: httpx.AsyncClient, path: str, **headers: str) -> httpx.Response:
    response = await client.get(path, headers=headers)
    assert response.status_code in (200, 304), (path, response.status_code, response.text)
    return response


async def parsed(client: httpx.AsyncClient, path: str) -> Any:
    """A feedparser result that parsed without any error."""
    response = await fetch(client, path)
    result = feedparser.parse(response.content)
    assert not result.bozo, (path, result.get("bozo_exception"))
    return result


async def feed_list(client: httpx.AsyncClient, locale: str | None = None) -> list[dict[str, str]]:
    body = await gql(client, FEEDS, {"locale": locale})
    assert "errors" not in body, body
    feeds: list[dict[str, str]] = body["data"]["feeds"]
    return feeds
