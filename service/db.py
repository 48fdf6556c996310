"""The one Tortoise configuration used by the app, the workers, the CLI and the tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate

from service.settings import Settings

MODEL_MODULES = [
    "service.content.models",
    "service.staff.models",
    "service.audit.models",
    "service.outbox.models",
]
APP_LABEL = "buletin"


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return {
        "connections": {"default": settings.database_url},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def ensure_sqlite_dir(database_url: str) -> None:
    """SQLite cannot create the folder of its file; make it so the quick start just works."""
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def apply_migrations(settings: Settings) -> None:
    """Bring the schema up to date, in a context of its own so no connection leaks out."""
    ensure_sqlite_dir(settings.database_url)
    async with TortoiseContext():
        await migrate(config=tortoise_config(settings))


@asynccontextmanager
async def orm(settings: Settings) -> AsyncIterator[TortoiseContext]:
    """The ORM for a command or a worker: opened here, closed on the way out."""
    ensure_sqlite_dir(settings.database_url)
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(settings))
        yield ctx
