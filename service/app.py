"""create_app(): the Starlette application with its routes and lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.routing import Route
from tortoise.contrib.starlette import RegisterTortoise

from service.api.cache import ResultCache
from service.api.schema import build_schema
from service.api.view import GraphQLView
from service.db import ensure_sqlite_dir, tortoise_config
from service.outbox.relay import OutboxRelay
from service.queue import LazyQueue
from service.redis import redis_url, shutdown_embedded_redis
from service.settings import Settings, get_settings
from service.web.devmail import MailSink, mail_list, mail_raw, mail_show
from service.web.digests import digest_page
from service.web.health import healthz, readyz


def create_app(settings: Settings | None = None, *, mail_sink: MailSink | None = None) -> Starlette:
    settings = settings or get_settings()
    cache = ResultCache(settings.result_cache_entries if settings.result_cache else 0)
    view = GraphQLView(build_schema(settings), settings, cache)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ensure_sqlite_dir(settings.database_url)
        app.state.redis = Redis.from_url(redis_url(settings))
        # Tortoise 1.x keeps state per task: RegisterTortoise makes it visible to requests (§8).
        queue = LazyQueue(settings)
        app.state.relay = OutboxRelay(queue, namespace=settings.queue_name)
        async with RegisterTortoise(app, config=tortoise_config(settings)):
            try:
                yield
            finally:
                await app.state.relay.wait()
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
            Route("/digests/{digest_id:int}/{variant}", digest_page),
            # Dev mode only: 404 unless DEBUG is on and `buletin dev` started a mail sink.
            Route("/dev/mail", mail_list),
            Route("/dev/mail/{number:int}", mail_show),
            Route("/dev/mail/{number:int}/raw", mail_raw),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.result_cache = cache
    app.state.mail_sink = mail_sink
    return app
