"""create_app(): the Starlette application with its routes and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from tortoise.contrib.starlette import RegisterTortoise

from service.api.cache import ResultCache
from service.api.graphiql import ASSETS_DIR, ASSETS_URL, LocalGraphiQLView
from service.api.schema import build_schema
from service.db import ensure_sqlite_dir, tortoise_config
from service.outbox.relay import OutboxRelay
from service.queue import LazyQueue
from service.redis import redis_client, shutdown_embedded_redis
from service.settings import Settings, get_settings
from service.web.devhome import dev_home
from service.web.devmail import MailSink, mail_list, mail_raw, mail_show
from service.web.feeds import feed_routes
from service.web.health import healthz, readyz

SHUTDOWN_WAIT_SECONDS = 5


def create_app(settings: Settings | None = None, *, mail_sink: MailSink | None = None) -> Starlette:
    settings = settings or get_settings()
    cache = ResultCache(settings.result_cache_entries if settings.result_cache else 0)
    view = LocalGraphiQLView(build_schema(settings), settings, cache)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ensure_sqlite_dir(settings.database_url)
        app.state.redis = redis_client(settings)
        # Tortoise 1.x keeps state per task: RegisterTortoise makes it visible to requests (§8).
        queue = LazyQueue(settings)
        app.state.relay = OutboxRelay(queue, namespace=settings.queue_name)
        async with RegisterTortoise(app, config=tortoise_config(settings)):
            try:
                yield
            finally:
                # Bounded: a relay pass waiting on a silent Redis must not hold shutdown.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(app.state.relay.wait(), SHUTDOWN_WAIT_SECONDS)
                await queue.close()
                await app.state.redis.aclose()
                if settings.redis_url is None:
                    # uvicorn re-raises SIGTERM after shutdown, so atexit would never run.
                    shutdown_embedded_redis()

    app = Starlette(
        debug=settings.debug,
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *feed_routes(settings),
            # Dev mode only: 404 unless DEBUG is on and `buletin dev` started a mail sink.
            Route("/dev/mail", mail_list),
            Route("/dev/mail/{number:int}", mail_show),
            Route("/dev/mail/{number:int}/raw", mail_raw),
            Route("/", dev_home),  # dev mode only: links to GraphiQL and /dev/mail
            # GraphiQL's own files, so the page works offline; only debug serves GraphiQL.
            *([Mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR))] if settings.debug else []),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.result_cache = cache
    app.state.mail_sink = mail_sink
    return app
