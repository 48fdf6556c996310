"""Shared fixtures: one database and one app per test run, clean tables per test.

DATABASE_URL / REDIS_URL from the environment pick PostgreSQL and Redis (CI);
without them the run uses SQLite and an embedded Redis, so it passes on a laptop.
Every run makes its own PostgreSQL database with a random name and drops it after.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis
from starlette.applications import Starlette
from tortoise import Tortoise
from tortoise.context import get_current_context

from service.app import create_app
from service.audience.throttle import SignUpThrottle
from service.db import apply_migrations
from service.redis import embedded_redis_url, shutdown_embedded_redis
from service.settings import Settings, get_settings
from tests.smtp import SmtpServer, running

# What the reliability and timing tests measured, printed at the end of every run, so
# CI's log shows duplicates and latencies and not only that they stayed within bounds.
FIGURES = pytest.StashKey[list[str]]()
Figure = Callable[[str], None]

# Tables whose rows outlive a test on purpose: the one content-version row.
KEPT_TABLES = frozenset({"content_version"})


def data_tables() -> list[str]:
    """Every table of a registered model (and its many-to-many tables), but the kept ones.

    Derived from the models, so a new model's rows never leak from one test into the next.
    """
    tables: set[str] = set()
    for model in Tortoise.describe_models(serializable=True).values():
        tables.add(model["table"])
        tables.update(field["through"] for field in model["m2m_fields"])
    return sorted(tables - KEPT_TABLES)


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "asyncpg://"))


def _admin_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("DATABASE_URL", "")
    if _is_postgres(base):
        parts = urlsplit(base)
        name = f"buletin_test_{secrets.token_hex(6)}"
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    else:
        yield f"sqlite://{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
async def created_database(database_url: str) -> AsyncIterator[str]:
    if not _is_postgres(database_url):
        yield database_url
        return
    name = urlsplit(database_url).path.lstrip("/")
    admin = await asyncpg.connect(_admin_dsn(database_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield database_url
    finally:
        admin = await asyncpg.connect(_admin_dsn(database_url))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    yield embedded_redis_url(tmp_path_factory.mktemp("redis"))
    shutdown_embedded_redis()


@pytest.fixture(scope="session")
def settings(created_database: str, redis_url: str) -> Iterator[Settings]:
    # Domain code reads get_settings(); the environment makes it agree with the app's.
    run = secrets.token_hex(6)
    env = {
        "DATABASE_URL": created_database,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret-key",
        "DEBUG": "0",
        "FRONTEND_URL": "https://example.org/{locale}/{kind}/{slug}",
        # Cheap argon2 (tests hash a lot; tests/staff checks the production defaults) and
        # throttle keys of this run only: CI shares its Redis with other runs.
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_KIB": "1024",
        "LOGIN_THROTTLE_PREFIX": f"buletin-test-{run}:login-fail",
        "SUBSCRIBE_THROTTLE_PREFIX": f"buletin-test-{run}:subscribe",
        # A queue of this run's own, for the same reason (its name prefixes the job ids).
        "QUEUE_NAME": f"buletin-test-{run}:queue",
        # Feeds straight from the database: a test reads right after the worker renders.
        "FEED_MEMORY_SECONDS": "0",
    }
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    get_settings.cache_clear()
    yield get_settings()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    await apply_migrations(settings)
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def db(app: Starlette) -> None:
    """Each test that touches the database starts with no content."""
    # Tortoise 1.x binds every model's base query to the dialect of the context initialised
    # last, so a test that opened a SQLite context (tests/db) would leave `?` placeholders
    # behind for PostgreSQL: bind them back to the app's database.
    ctx = get_current_context()
    if ctx is not None and ctx.apps is not None:
        ctx.apps._build_initial_querysets()
    conn = Tortoise.get_connection("default")
    tables = data_tables()
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script(f"TRUNCATE {', '.join(tables)} CASCADE")
    else:
        # Children before parents: SQLite checks foreign keys row by row.
        await conn.execute_script("PRAGMA foreign_keys = OFF")
        try:
            for table in tables:
                await conn.execute_script(f"DELETE FROM {table}")
        finally:
            await conn.execute_script("PRAGMA foreign_keys = ON")
    # Cached answers from the previous test must not outlive its data.
    await conn.execute_script("UPDATE content_version SET version = version + 1 WHERE id = 1")
    await app.state.content_versions.refresh()
    # Nor may its failed sign-ins or newsletter sign-ups throttle this test, nor its jobs
    # (queued, deferred for a retry, or held by a worker a crash test killed) keep this
    # test's burst worker waiting; their rows are gone anyway. The run's queue name is in
    # every key of its queue: the queue, its jobs, results, retries and in-progress marks.
    await app.state.relay.wait()  # the previous test's after-commit relay, if still going
    redis: Redis = app.state.redis
    settings = app.state.settings
    for prefix in (settings.login_throttle_prefix, settings.subscribe_throttle_prefix):
        stale = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
        if stale:
            await redis.delete(*stale)
    jobs = [key async for key in redis.scan_iter(match=f"*{settings.queue_name}*")]
    if jobs:
        await redis.delete(*jobs)


@pytest.fixture
async def client(app: Starlette, db: None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@asynccontextmanager
async def client_with(
    app: Starlette, settings: Settings, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app built from `settings` with `overrides`, beside the session app."""
    # The session app's lifespan already opened the ORM in this task; this app shares it,
    # and the clients its lifespan made.
    other = create_app(settings.model_copy(update=overrides))
    other.state.services = app.state.services
    transport = httpx.ASGITransport(app=other)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) in this process, for any test that sends mail."""
    with running() as server:
        yield server


@pytest.fixture
def worker_settings(settings: Settings, smtp_server: SmtpServer) -> Settings:
    """The run's settings with mail to `smtp_server`, for workers run in the test."""
    # Tiny backoffs: a 451 is retried at once, so tests stay fast.
    return settings.model_copy(
        update={
            "smtp_url": smtp_server.url,
            "smtp_backoff_seconds": 0.01,
            "smtp_backoff_max_seconds": 0.05,
            "smtp_rate_per_second": 0,
        }
    )


@pytest.fixture
def throttle(app: Starlette, settings: Settings) -> SignUpThrottle:
    """The sign-up throttle over the run's prefix (cleaned by `db`); tests/staff overrides
    `throttle` with its login throttle."""
    return SignUpThrottle.from_settings(app.state.redis, settings)


@pytest.fixture
def figure(request: pytest.FixtureRequest) -> Figure:
    """Record one measured figure of this test for the run's "figures" summary."""
    figures = request.config.stash.setdefault(FIGURES, [])
    return lambda line: figures.append(f"{request.node.nodeid}: {line}")


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    figures = config.stash.get(FIGURES, [])
    if figures:
        terminalreporter.section("figures")
        for line in figures:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
