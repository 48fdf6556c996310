"""The server of bench/feeds.py: the Buletin app plus one plain Starlette route.

`GET /plain` answers the bytes of a stored feed (read from BENCH_FEED_BODY at start) with
the same headers as /feeds/...: what serving a feed costs with no lookup at all. Both
routes live in one app, so they run under the same uvicorn (uvloop, httptools), in the
same process, with the same middleware.

Run: DATABASE_URL=postgres://... BENCH_FEED_BODY=/tmp/x BENCH_FEED_HEADERS='{...}' \
     python bench/_feeds_server.py --port 8001
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from service.app import create_app
from service.settings import get_settings


def build() -> Starlette:
    body = Path(os.environ["BENCH_FEED_BODY"]).read_bytes()
    headers: dict[str, str] = json.loads(os.environ["BENCH_FEED_HEADERS"])

    async def plain(request: Request) -> Response:
        return Response(body, headers=headers)

    app = create_app(get_settings())
    # Just before the feed routes: both pay for matching the same routes ahead of them.
    routes = app.router.routes
    paths = [getattr(route, "path", "") for route in routes]
    first_feed = next(i for i, path in enumerate(paths) if path.startswith("/feeds/"))
    routes.insert(first_feed, Route("/plain", plain))
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(build(), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
