"""GET /feeds/...: stored feeds with ETag, Last-Modified and 304s (docs/architecture.md §4).

The workers render the feeds; this serves the stored bytes. A process keeps each feed in
memory for `feed_memory_seconds` (a re-render reaches every process within that), so a
reader's poll costs no database round trip. A feed never stored yet is rendered here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from service.conditional import none_match
from service.feeds.rendering import snapshot_for
from service.feeds.snapshots import Snapshot
from service.feeds.streams import CONTENT_TYPES, FeedKey, parse_feed
from service.settings import Settings

log = logging.getLogger("buletin.feeds")
NOT_FOUND = "No such feed.\n"
UNAVAILABLE = "This feed cannot be rendered right now; try again shortly.\n"


@dataclass(frozen=True, slots=True)
class HeldFeed:
    key: FeedKey
    snapshot: Snapshot
    headers: dict[str, str]
    until: float


@dataclass
class FeedMemory:
    """Feeds this process served lately, each until `seconds` after it was read."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    held: dict[tuple[str, str, bool], HeldFeed] = field(default_factory=dict)

    def get(self, name: tuple[str, str, bool]) -> HeldFeed | None:
        found = self.held.get(name)
        if found is None or found.until < self.clock():
            return None
        return found

    def keep(self, name: tuple[str, str, bool], held: HeldFeed) -> None:
        if self.seconds > 0:  # only valid feeds get here, so the dict stays small
            self.held[name] = held


def not_modified(request: Request, snapshot: Snapshot) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when sent; If-Modified-Since only without it."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return none_match(if_none_match, snapshot.etag)
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # a date we cannot read is ignored, as the RFC says
    if since.tzinfo is None:
        return False
    return snapshot.last_modified <= since


def _headers(key: FeedKey, snapshot: Snapshot, settings: Settings) -> dict[str, str]:
    return {
        "ETag": snapshot.etag,
        "Last-Modified": format_datetime(snapshot.last_modified, usegmt=True),
        "Cache-Control": f"public, max-age={settings.feed_max_age}",
        "Content-Type": CONTENT_TYPES[key.format],
    }


class FeedServer:
    def __init__(self, settings: Settings, memory: FeedMemory | None = None) -> None:
        self.settings = settings
        self.memory = memory or FeedMemory(settings.feed_memory_seconds)

    async def stream(self, request: Request) -> Response:
        params = request.path_params
        return await self._serve(request, params["locale"], params["name"], topic=False)

    async def topic(self, request: Request) -> Response:
        params = request.path_params
        return await self._serve(request, params["locale"], params["name"], topic=True)

    async def _serve(self, request: Request, locale: str, name: str, *, topic: bool) -> Response:
        wanted = (locale, name, topic)
        held = self.memory.get(wanted)
        if held is None:
            key = parse_feed(locale, name, topic=topic, settings=self.settings)
            if key is None:
                return PlainTextResponse(NOT_FOUND, status_code=404)
            try:
                snapshot = await snapshot_for(key, self.settings)
            except Exception:  # the database is away: say so, never a 500
                log.exception("feeds.serve_failed path=%s", key.path)
                return PlainTextResponse(
                    UNAVAILABLE, status_code=503, headers={"Retry-After": "30"}
                )
            if snapshot is None:
                return PlainTextResponse(NOT_FOUND, status_code=404)
            until = self.memory.clock() + self.memory.seconds
            held = HeldFeed(key, snapshot, _headers(key, snapshot, self.settings), until)
            self.memory.keep(wanted, held)
        if not_modified(request, held.snapshot):
            headers = {k: v for k, v in held.headers.items() if k != "Content-Type"}
            return Response(status_code=304, headers=headers)
        return Response(held.snapshot.body, headers=held.headers)


def feed_routes(settings: Settings) -> list[BaseRoute]:
    # Plain routes, not a Mount: a second router per request was a third of the route's cost.
    server = FeedServer(settings)
    return [
        Route("/feeds/{locale}/topics/{name}", server.topic, methods=["GET", "HEAD"]),
        Route("/feeds/{locale}/{name}", server.stream, methods=["GET", "HEAD"]),
    ]
