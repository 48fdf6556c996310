"""A small SQL writer for the public read path, on SQLite and PostgreSQL alike.

The hot reads (a page of entries, its translations, its topics) are plain SQL through
Tortoise's connection: building them with the ORM cost five times the query itself
(bench/graphql_read.py, docs/architecture.md §8). Writes stay with the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


class Statement:
    """Collects parameters and writes each dialect's placeholders."""

    def __init__(self, connection: BaseDBAsyncClient) -> None:
        self.connection = connection
        self.postgres = connection.capabilities.dialect == "postgres"
        self.args: list[Any] = []

    def param(self, value: Any) -> str:
        # Datetimes compare as stored: aware UTC on both sides (SQLite keeps ISO text).
        self.args.append(_utc(value) if isinstance(value, datetime) else value)
        # Numbered on both (SQLite's ?NNN), so one placeholder can stand in twice.
        return f"${len(self.args)}" if self.postgres else f"?{len(self.args)}"

    def is_in(self, column: str, values: Iterable[Any]) -> str:
        items = list(values)
        if not items:
            return "1 = 0"
        if self.postgres:
            return f"{column} = ANY({self.param(items)})"
        return f"{column} IN ({', '.join(self.param(v) for v in items)})"

    def contains(self, column: str, text: str) -> str:
        """`column` holds `text` (LIKE with its wildcards escaped; ASCII case ignored)."""
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        operator = "ILIKE" if self.postgres else "LIKE"  # SQLite's LIKE ignores ASCII case
        return f"{column} {operator} {self.param(f'%{escaped}%')} ESCAPE '\\'"

    async def rows(self, sql: str) -> Sequence[Any]:
        """asyncpg Records or sqlite3 Rows: indexable by position and by column name.

        Not execute_query_dict: copying every row into a dict was 5% of a page's time.
        """
        _, rows = await self.connection.execute_query(sql, self.args)
        return rows


def statement() -> Statement:
    return Statement(Tortoise.get_connection("default"))


def to_datetime(value: datetime | str | None) -> datetime | None:
    """asyncpg gives aware datetimes; SQLite gives the text Tortoise stored."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
