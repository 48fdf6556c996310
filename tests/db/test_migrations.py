"""The same migration files build the schema on SQLite and on PostgreSQL, and match the models."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from service.db import apply_migrations, orm, tortoise_config
from service.settings import Settings

TABLES = {"entry", "entry_translation", "entry_topic", "topic", "topic_translation"}


async def _tables_and_version(settings: Settings) -> tuple[set[str], int]:
    async with orm(settings) as ctx:
        conn = ctx.db()
        if conn.capabilities.dialect == "postgres":
            sql = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        names = {row["name"] for row in await conn.execute_query_dict(sql)}
        version = await conn.execute_query_dict("SELECT version FROM content_version")
    return names, int(version[0]["version"])


async def test_migrations_apply_to_a_fresh_sqlite_file_twice(tmp_path: Path) -> None:
    settings = Settings(debug=True, database_url=f"sqlite://{tmp_path / 'fresh.sqlite3'}")
    await apply_migrations(settings)
    await apply_migrations(settings)  # a second run finds nothing to do
    names, version = await _tables_and_version(settings)
    assert names >= TABLES
    assert version == 0


async def test_migrations_apply_to_a_fresh_postgres_database() -> None:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL does not name a PostgreSQL server")
    parts = urlsplit(base)
    name = f"buletin_migrate_{secrets.token_hex(6)}"
    admin_dsn = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
        settings = Settings(debug=True, database_url=url)
        await apply_migrations(settings)
        await apply_migrations(settings)
        names, version = await _tables_and_version(settings)
        assert names >= TABLES
        assert version == 0
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_models_need_no_new_migration(tmp_path: Path) -> None:
    settings = Settings(debug=True, database_url=f"sqlite://{tmp_path / 'detect.sqlite3'}")
    config = tortoise_config(settings)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        assert ctx.apps is not None
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    assert writers == [], "models changed without a migration: run tortoise makemigrations"
