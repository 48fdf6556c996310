"""A ledger of sends: one row per message that must go out, whatever retries happen.

Staff notices (`staff_notice`) and digest deliveries (`delivery`) are both ledgers: a
row is queued, claimed with a compare-and-set update (queued → sending, with a lease)
right before its SMTP call, and settled right after (accepted, failed, or released for a
later try). A worker that dies in between leaves a lapsed lease and the row goes out
again: a duplicate is only possible for a message the server accepted in that instant
(docs/architecture.md §1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from tortoise.expressions import F, Q
from tortoise.models import Model

from service.content.sql import statement


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

    @property
    def _table(self) -> str:
        # Tortoise's public description of the model, not its private _meta.
        return str(self.model.describe(serializable=False)["table"])

    def claimable(self, now: datetime) -> Q:
        return Q(status=self.queued) | Q(status=self.sending, lease_until__lt=now)

    def stalled(self, now: datetime, grace: timedelta) -> Q:
        """Rows nobody is sending: queued a while ago, or with a lapsed lease."""
        return Q(status=self.queued, created_at__lt=now - grace) | Q(
            status=self.sending, lease_until__lt=now
        )

    async def claim(self, row_id: int, lease: timedelta, now: datetime | None = None) -> bool:
        """Take the row for one send attempt; False if another worker holds it or it is done."""
        moment = now or datetime.now(UTC)
        taken = await self.model.filter(self.claimable(moment), id=row_id).update(
            status=self.sending, lease_until=moment + lease, attempts=F("attempts") + 1
        )
        return taken == 1

    async def claim_many(
        self, row_ids: Sequence[int], lease: timedelta, now: datetime | None = None
    ) -> set[int]:
        """Take several rows in one statement; the ids of those this caller got."""
        if not row_ids:
            return set()
        moment = now or datetime.now(UTC)
        sql = statement()
        # One UPDATE … RETURNING (PostgreSQL, and SQLite since 3.35): the same compare-and-
        # set as claim(), without a round trip per row.
        # execute_query_dict: Tortoise's execute_query drops an UPDATE's returned rows.
        rows = await sql.connection.execute_query_dict(
            f"UPDATE {self._table} SET status = {sql.param(self.sending.value)},"
            f" lease_until = {sql.param(moment + lease)}, attempts = attempts + 1"
            f" WHERE {sql.is_in('id', row_ids)} AND (status = {sql.param(self.queued.value)}"
            f" OR (status = {sql.param(self.sending.value)} AND lease_until < {sql.param(moment)}))"
            " RETURNING id",
            sql.args,
        )
        return {int(row["id"]) for row in rows}

    async def mark_accepted(self, row_id: int) -> None:
        # The one write per message on the hot path: plain SQL, a fifth of the ORM's cost.
        sql = statement()
        await sql.rows(
            f"UPDATE {self._table} SET status = {sql.param(self.accepted.value)},"
            f" accepted_at = {sql.param(datetime.now(UTC))}, lease_until = NULL,"
            f" last_error = NULL WHERE id = {sql.param(row_id)}"
            f" AND status = {sql.param(self.sending.value)}"
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

    async def _settle(self, row_id: int, **values: Any) -> None:
        # Only the holder of the claim settles it; a row already settled stays as it is.
        await self.model.filter(id=row_id, status=self.sending).update(lease_until=None, **values)
