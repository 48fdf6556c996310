"""A ledger of sends: one row per message that must go out, whatever retries happen.

Staff notices (`staff_notice`) and digest deliveries (`delivery`) are both ledgers: a
row is queued, claimed with a compare-and-set update (queued → sending, with a lease)
right before its SMTP call, and settled right after (accepted, failed, or released for a
later try). A worker that dies in between leaves a lapsed lease and the row goes out
again: a duplicate is only possible for a message the server accepted in that instant
(docs/architecture.md §1).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any

from tortoise import Tortoise
from tortoise.expressions import Q
from tortoise.models import Model

from service.content.sql import Statement, statement


@dataclass(frozen=True)
class Ledger:
    """The moves of one ledger table; `model` has status, attempts, lease_until,
    last_error and accepted_at columns, and its status enum the four states below."""

    model: type[Model]
    queued: Enum
    sending: Enum
    accepted: Enum
    failed: Enum
    skipped: Enum | None = None  # a row decided not to be sent (no mail for this recipient)
    # The PostgreSQL connection (asyncpg) that pinned() holds; None: a pooled one per move.
    connection: Any = field(default=None, compare=False, repr=False)

    @property
    def _table(self) -> str:
        return _table_of(self.model)

    @asynccontextmanager
    async def pinned(self) -> AsyncIterator[Ledger]:
        """This ledger with claim_many and the settles on one pooled connection, for a run of
        moves in a row (a lane's group of claimed rows).

        Taking a connection from the pool and giving it back cost ~50 µs of the worker's
        CPU per statement, as much as the settle itself. Nothing waits on a second
        connection while this one is held: every move below runs on it. SQLite's client
        runs one statement at a time behind a lock, so there it stays as it is.
        """
        client = Tortoise.get_connection("default")
        if self.connection is not None or client.capabilities.dialect != "postgres":
            yield self
            return
        async with client.acquire_connection() as connection:
            yield replace(self, connection=connection)

    async def _fetch(self, sql: Statement, query: str) -> Sequence[Any]:
        if self.connection is not None:
            return await self.connection.fetch(query, *sql.args)  # type: ignore[no-any-return]
        # execute_query_dict: Tortoise's execute_query drops an UPDATE's returned rows.
        return await sql.connection.execute_query_dict(query, sql.args)

    async def _execute(self, sql: Statement, query: str) -> None:
        if self.connection is not None:
            await self.connection.execute(query, *sql.args)
        else:
            await sql.rows(query)

    def claimable(self, now: datetime) -> Q:
        return Q(status=self.queued) | Q(status=self.sending, lease_until__lt=now)

    def stalled(self, now: datetime, grace: timedelta) -> Q:
        """Rows nobody is sending: queued a while ago, or with a lapsed lease."""
        return Q(status=self.queued, created_at__lt=now - grace) | Q(
            status=self.sending, lease_until__lt=now
        )

    async def claim(self, row_id: int, lease: timedelta, now: datetime | None = None) -> bool:
        """Take the row for one send attempt; False if another worker holds it or it is done."""
        return row_id in await self.claim_many([row_id], lease, now)

    async def claim_many(
        self, row_ids: Sequence[int], lease: timedelta, now: datetime | None = None
    ) -> set[int]:
        """Take several rows in one statement; the ids of those this caller got."""
        if not row_ids:
            return set()
        moment = now or datetime.now(UTC)
        sql = statement()
        # One UPDATE … RETURNING (PostgreSQL, and SQLite since 3.35): the compare-and-set
        # of claimable(), without a round trip per row.
        rows = await self._fetch(
            sql,
            f"UPDATE {self._table} SET status = {sql.param(self.sending.value)},"
            f" lease_until = {sql.param(moment + lease)}, attempts = attempts + 1"
            f" WHERE {sql.is_in('id', row_ids)} AND (status = {sql.param(self.queued.value)}"
            f" OR (status = {sql.param(self.sending.value)} AND lease_until < {sql.param(moment)}))"
            " RETURNING id",
        )
        return {int(row["id"]) for row in rows}

    async def mark_accepted(self, row_id: int) -> None:
        # The one write per message on the hot path: plain SQL, a fifth of the ORM's cost.
        if self.connection is not None:
            # Pinned (PostgreSQL): the statement's text is the same for every row, and
            # statement() asking Tortoise for its connection was a tenth of this write.
            await self.connection.execute(
                _accepted_sql(self._table),
                self.accepted.value,
                datetime.now(UTC),
                row_id,
                self.sending.value,
            )
            return
        sql = statement()
        await self._execute(
            sql,
            f"UPDATE {self._table} SET status = {sql.param(self.accepted.value)},"
            f" accepted_at = {sql.param(datetime.now(UTC))}, lease_until = NULL,"
            f" last_error = NULL WHERE id = {sql.param(row_id)}"
            f" AND status = {sql.param(self.sending.value)}",
        )

    async def mark_failed(self, row_id: int, reason: str) -> None:
        """Refused for good (a 5xx, or too many tries): recorded, never tried again."""
        await self._settle(row_id, status=self.failed, last_error=reason[:2000])

    async def mark_skipped(self, row_id: int, reason: str) -> None:
        if self.skipped is None:
            raise ValueError(f"{self.model.__name__} rows cannot be skipped")
        await self._settle(row_id, status=self.skipped, last_error=reason[:2000])

    async def release(self, row_id: int, reason: str) -> None:
        """A temporary failure: back in the queue for a later attempt."""
        await self._settle(row_id, status=self.queued, last_error=reason[:2000])

    async def _settle(self, row_id: int, *, status: Enum, last_error: str) -> None:
        # Only the holder of the claim settles it; a row already settled stays as it is.
        # Plain SQL, so a pinned ledger needs no second connection (see pinned()).
        sql = statement()
        await self._execute(
            sql,
            f"UPDATE {self._table} SET status = {sql.param(status.value)},"
            f" last_error = {sql.param(last_error)}, lease_until = NULL"
            f" WHERE id = {sql.param(row_id)} AND status = {sql.param(self.sending.value)}",
        )


@cache
def _accepted_sql(table: str) -> str:
    """mark_accepted's statement in asyncpg's placeholders: status, accepted_at, id, sending."""
    return (
        f"UPDATE {table} SET status = $1, accepted_at = $2, lease_until = NULL,"
        " last_error = NULL WHERE id = $3 AND status = $4"
    )


@cache
def _table_of(model: type[Model]) -> str:
    # Tortoise's public description of the model, not its private _meta. Once per model:
    # describe() walks every field, and it was a sixth of a digest's per-message time.
    return str(model.describe(serializable=False)["table"])
