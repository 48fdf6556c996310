"""The baseline of bench/graphql_read.py: the home page from raw asyncpg, no ORM, no GraphQL.

A plain Starlette app that answers `GET /home` with the JSON the GraphQL home-page query
gives (`{"data": {"entries": {...}}}`), built from the same rows with three statements on
one pooled connection: the page of published entries (newest first), their translations,
their topics with names. It is what a hand-written endpoint would cost, and it is served by
the same ASGI server as the API (uvicorn with uvloop and httptools, one process).

It mirrors the API's defaults (Settings): locales sq, en (sq the default), zone
Europe/Tirane, frontend URL https://example.org/{locale}/{kind}/{slug}, and the pool size
Tortoise gives asyncpg (1 to 5 connections).

`/bytes` (GET or POST) answers the same page as bytes made once: the plain-bytes baseline
a cache hit is measured against.

Run: DATABASE_URL=postgres://... python bench/_baseline.py --port 8001
"""

from __future__ import annotations

import argparse
import base64
import os
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import asyncpg
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

T = TypeVar("T")

PAGE_SIZE = 20
LOCALES = ("sq", "en")
DEFAULT_LOCALE = "sq"
ZONE = ZoneInfo("Europe/Tirane")
FRONTEND_URL = "https://example.org/{locale}/{kind}/{slug}"
POOL_MIN, POOL_MAX = 1, 5  # Tortoise's asyncpg defaults (minsize, maxsize)
# GraphQL enum values are the member names of service.content.enums.EntryKind.
KIND_NAMES = {"news": "NEWS", "event": "EVENT", "call": "CALL"}

ENTRIES_SQL = """
SELECT id, kind, published_at, updated_at, starts_at, venue, deadline, apply_url
FROM entry
WHERE status = 'published'
ORDER BY published_at DESC, id DESC
LIMIT $1
"""
TRANSLATIONS_SQL = """
SELECT entry_id, locale, title, slug, summary
FROM entry_translation
WHERE entry_id = ANY($1::int[])
"""
TOPICS_SQL = """
SELECT et.entry_id, t.slug, t.position, tt.locale, tt.name
FROM entry_topic et
JOIN topic t ON t.id = et.topic_id
LEFT JOIN topic_translation tt ON tt.topic_id = t.id
WHERE et.entry_id = ANY($1::int[])
"""


def _pick(by_locale: Mapping[str, T], locale: str) -> T | None:
    for candidate in dict.fromkeys((locale, DEFAULT_LOCALE, *LOCALES)):
        if candidate in by_locale:
            return by_locale[candidate]
    return next(iter(by_locale.values()), None)


def _rank(locale: str) -> tuple[int, str]:
    return (LOCALES.index(locale) if locale in LOCALES else len(LOCALES), locale)


def _cursor(published_at: datetime, entry_id: int) -> str:
    raw = f"entry|{published_at.astimezone(UTC).isoformat()}|{entry_id}"  # as api/pagination.py
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _local(moment: datetime | None) -> str | None:
    return moment.astimezone(ZONE).isoformat() if moment is not None else None


def home_page(
    rows: Sequence[Mapping[str, Any]],
    translations: Sequence[Mapping[str, Any]],
    topic_rows: Sequence[Mapping[str, Any]],
    *,
    locale: str = DEFAULT_LOCALE,
) -> dict[str, Any]:
    """The `data` of the home-page query from the rows of the three statements."""
    page = rows[:PAGE_SIZE]
    trs: dict[int, dict[str, Mapping[str, Any]]] = defaultdict(dict)
    for tr in translations:
        trs[tr["entry_id"]][tr["locale"]] = tr
    # entry id -> topic slug -> (position, {locale: name})
    topics: dict[int, dict[str, tuple[int, dict[str, str]]]] = defaultdict(dict)
    for t in topic_rows:
        _, names = topics[t["entry_id"]].setdefault(t["slug"], (t["position"], {}))
        if t["locale"] is not None:
            names[t["locale"]] = t["name"]

    edges: list[dict[str, Any]] = []
    for row in page:
        by_locale = trs.get(row["id"])
        if not by_locale:
            continue  # nothing to show, as the API does
        shown = _pick(by_locale, locale)
        assert shown is not None
        served = shown["locale"]
        published = row["published_at"] or row["updated_at"]
        entry_topics = sorted(topics.get(row["id"], {}).items(), key=lambda i: (i[1][0], i[0]))
        node: dict[str, Any] = {
            "id": str(row["id"]),
            "kind": KIND_NAMES[row["kind"]],
            "locale": served,
            "title": shown["title"],
            "slug": shown["slug"],
            "summary": shown["summary"],
            "url": FRONTEND_URL.format(locale=served, kind=row["kind"], slug=shown["slug"]),
            "publishedAt": published.astimezone(ZONE).isoformat(),
            "topics": [
                {"slug": slug, "name": _pick(names, served) or slug}
                for slug, (_, names) in entry_topics
            ],
            "translations": [
                {"locale": loc, "slug": by_locale[loc]["slug"], "title": by_locale[loc]["title"]}
                for loc in sorted(by_locale, key=_rank)
            ],
        }
        if row["kind"] == "event":
            node["startsAt"] = _local(row["starts_at"]) or _local(published)
            node["venue"] = row["venue"]
        elif row["kind"] == "call":
            node["deadline"] = _local(row["deadline"]) or _local(published)
            node["applyUrl"] = row["apply_url"]
        edges.append({"node": node})
    return {
        "entries": {
            "edges": edges,
            "pageInfo": {
                "hasNextPage": len(rows) > PAGE_SIZE,
                "endCursor": _cursor(page[-1]["published_at"], page[-1]["id"]) if page else None,
            },
        }
    }


def create_app(database_url: str | None = None) -> Starlette:
    dsn = database_url or os.environ["DATABASE_URL"]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(dsn, min_size=POOL_MIN, max_size=POOL_MAX)
        app.state.pool = pool
        try:
            yield
        finally:
            await pool.close()

    async def home(request: Request) -> JSONResponse:
        pool: asyncpg.Pool = request.app.state.pool
        async with pool.acquire() as conn:
            rows = await conn.fetch(ENTRIES_SQL, PAGE_SIZE + 1)
            ids = [row["id"] for row in rows[:PAGE_SIZE]]
            translations = await conn.fetch(TRANSLATIONS_SQL, ids)
            topic_rows = await conn.fetch(TOPICS_SQL, ids)
        return JSONResponse({"data": home_page(rows, translations, topic_rows)})

    async def plain_bytes(request: Request) -> Response:
        # What a cache hit could cost at best: the page's bytes, made once, no work per request.
        page: bytes | None = getattr(request.app.state, "page", None)
        if page is None:
            page = request.app.state.page = bytes((await home(request)).body)
        return Response(page, media_type="application/json")

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/home", home),
            Route("/bytes", plain_bytes, methods=["GET", "POST"]),
            Route("/healthz", healthz),
        ],
        lifespan=lifespan,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Baseline home page: raw asyncpg on Starlette.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    # The same server the API runs on: uvicorn picks uvloop and httptools when installed.
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
