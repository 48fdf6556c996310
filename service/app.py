"""create_app(): the Starlette application with its routes and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from tortoise.contrib.starlette import RegisterTortoise

from service.api.cache import ResultCache
from service.api.context import Services
from service.api.graphiql import ASSETS_DIR, ASSETS_URL
from service.api.persisted import PersistedQueries
from service.api.schema import build_schema
from service.api.versions import ContentVersions
from service.api.view import GraphQLView
from service.audience.throttle import SignUpThrottle
from service.db import ensure_sqlite_dir, tortoise_config
from service.outbox.relay import OutboxRelay
from service.queue import LazyQueue
from service.redis import redis_client, shutdown_embedded_redis
from service.settings import Settings, get_settings
from service.staff.throttle import LoginThrottle
from service.web.devhome import dev_home
from service.web.devmail import MailSink, mail_list, mail_raw, mail_show
from service.web.digests import digest_page
from service.web.feeds import feed_routes
from service.web.health import healthz, readyz
from service.web.localized import LocalizedPages
from service.web.subscription import (
    confirm_page,
    preferences_page,
    sign_up_form,
    unsubscribe_page,
)

SHUTDOWN_WAIT_SECONDS = 5


def app_from_environment() -> Starlette:
    """For `buletin serve --workers N`: each uvicorn worker process builds its own app."""
    return create_app(get_settings())


def create_app(settings: Settings, *, mail_sink: MailSink | None = None) -> Starlette:
    cache = ResultCache(settings.result_cache_entries if settings.result_cache else 0)
    versions = ContentVersions(
        settings.database_url, check_seconds=settings.content_version_check_seconds
    )
    persisted = PersistedQueries.from_settings(settings)
    view = GraphQLView(build_schema(settings), settings, cache, versions, persisted)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ensure_sqlite_dir(settings.database_url)
        app.state.redis = redis_client(settings)
        # Tortoise 1.x keeps state per task: RegisterTortoise makes it visible to requests (§8).
        queue = LazyQueue(settings)
        app.state.relay = OutboxRelay(queue, namespace=settings.queue_name)
        persisted.redis = app.state.redis
        app.state.services = Services(
            relay=app.state.relay,
            login_throttle=LoginThrottle.from_settings(app.state.redis, settings),
            signup_throttle=SignUpThrottle.from_settings(app.state.redis, settings),
        )
        async with RegisterTortoise(app, config=tortoise_config(settings)):
            await versions.start()
            try:
                yield
            finally:
                await versions.stop()
                # Bounded: a relay pass waiting on a silent Redis must not hold shutdown.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(app.state.relay.wait(), SHUTDOWN_WAIT_SECONDS)
                await queue.close()
                await app.state.redis.aclose()
                if settings.redis_url is None:
                    # uvicorn re-raises SIGTERM after shutdown, so atexit would never run.
                    shutdown_embedded_redis()

    app = Starlette(
        # Starlette's debug page shows tracebacks with file paths to anyone; the log has them.
        debug=False,
        exception_handlers={Exception: internal_error},
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *feed_routes(settings),
            # The subscriber's pages (service/web/subscription.py).
            Route("/subscription", sign_up_form, methods=["POST"]),
            Route("/subscription/confirm", confirm_page, methods=["GET"]),
            Route("/subscription/preferences", preferences_page, methods=["GET", "POST"]),
            Route("/unsubscribe", unsubscribe_page, methods=["GET", "POST"]),
            Route("/digests/{digest_id:int}/{variant}", digest_page),
            # Dev mode only: 404 unless DEBUG is on and `buletin dev` started a mail sink.
            Route("/dev/mail", mail_list),
            Route("/dev/mail/{number:int}", mail_show),
            Route("/dev/mail/{number:int}/raw", mail_raw),
            Route("/", dev_home),  # dev mode only: links to GraphiQL and /dev/mail
            # GraphiQL's own files, so the page works offline; only debug serves GraphiQL.
            *([Mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR))] if settings.debug else []),
        ],
        middleware=_middleware(settings),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.pages = LocalizedPages(site_name=settings.site_name)
    app.state.result_cache = cache
    app.state.content_versions = versions
    app.state.mail_sink = mail_sink
    return app


async def internal_error(request: Request, exc: Exception) -> Response:
    # A coded GraphQL-shaped error, debug or not: nothing about our internals leaves.
    return JSONResponse(
        {
            "errors": [
                {
                    "message": "Internal server error.",
                    "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                }
            ]
        },
        status_code=500,
    )


def _middleware(settings: Settings) -> list[Middleware]:
    if not settings.cors_origins and settings.cors_origin_regex is None:
        return []
    # Bearer tokens, not cookies: no credentials mode, so "*" stays a safe choice.
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_origin_regex=settings.cors_origin_regex,
            allow_methods=["GET", "POST"],
            # Client libraries, error trackers and tracing add headers of their own; a
            # preflight refusing one fails the whole request.
            allow_headers=["*"],
            # Lets a frontend keep the validator and send its own If-None-Match.
            expose_headers=["ETag"],
            max_age=600,
        )
    ]
