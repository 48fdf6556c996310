"""Subscribers as staff see them: the list with counts, and GDPR export and erasure.

Editors and admins only (checked here, so the API and any future command line agree).
The list is two statements whatever the page size: the page, and the counts by status.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from tortoise.transactions import in_transaction

from service.audience.enums import DigestFrequency, SubscriberStatus
from service.audience.errors import AudienceError, AudienceErrorCode, quoted
from service.audience.models import Delivery, Digest, Subscriber
from service.audience.suppression import list_addresses
from service.audit.log import record
from service.content.sql import Statement, statement, to_datetime
from service.errors import NotFound
from service.settings import Settings
from service.staff.enums import StaffRole
from service.staff.models import StaffUser
from service.staff.roles import require_role

log = logging.getLogger("buletin.audience")

_COLUMNS = (
    "id, email, locales, topics, kinds, frequency, status, consented_at, source, ip_address,"
    " created_at, confirmed_at, unsubscribed_at, suppressed_reason"
)


@dataclass(frozen=True)
class SubscriberFilter:
    statuses: tuple[SubscriberStatus, ...] = ()
    locale: str | None = None
    frequency: DigestFrequency | None = None
    search: str | None = None  # part of the address


def list_identity(flt: SubscriberFilter) -> tuple[object, ...]:
    """Which subscribers a filter lists, in plain values (the order is always newest
    first): a page key means something only in the list it came from."""
    return (
        tuple(sorted({status.value for status in flt.statuses})),
        flt.locale or None,
        flt.frequency.value if flt.frequency is not None else None,
        (flt.search or "").strip().lower() or None,
    )


@dataclass(frozen=True)
class SubscriberRecord:
    id: int
    email: str
    locales: list[str]
    topics: list[str]
    kinds: list[str]
    frequency: DigestFrequency
    status: SubscriberStatus
    consented_at: datetime | None
    source: str
    ip_address: str | None
    created_at: datetime
    confirmed_at: datetime | None
    unsubscribed_at: datetime | None
    suppressed_reason: str | None


@dataclass(frozen=True)
class SubscriberPage:
    rows: list[SubscriberRecord]
    has_next: bool
    total: int  # matching the whole filter
    counts: dict[SubscriberStatus, int]  # by status, matching the filter less its statuses


def subscriber_target(subscriber_id: int) -> str:
    return f"subscriber:{subscriber_id}"


def _json_list(value: Any) -> list[str]:
    if isinstance(value, str):  # SQLite (and asyncpg's jsonb) hand JSON back as text
        value = orjson.loads(value)
    return [str(item) for item in value or []]


def _record(row: Any) -> SubscriberRecord:
    created = to_datetime(row["created_at"])
    assert created is not None  # NOT NULL column
    return SubscriberRecord(
        id=int(row["id"]),
        email=str(row["email"]),
        locales=_json_list(row["locales"]),
        topics=_json_list(row["topics"]),
        kinds=_json_list(row["kinds"]),
        frequency=DigestFrequency(row["frequency"]),
        status=SubscriberStatus(row["status"]),
        consented_at=to_datetime(row["consented_at"]),
        source=str(row["source"]),
        ip_address=row["ip_address"],
        created_at=created,
        confirmed_at=to_datetime(row["confirmed_at"]),
        unsubscribed_at=to_datetime(row["unsubscribed_at"]),
        suppressed_reason=row["suppressed_reason"],
    )


def _conditions(flt: SubscriberFilter, sql: Statement, *, with_status: bool) -> list[str]:
    where = []
    if with_status and flt.statuses:
        where.append(sql.is_in("status", [s.value for s in flt.statuses]))
    if flt.frequency is not None:
        where.append(f"frequency = {sql.param(flt.frequency.value)}")
    if flt.locale:
        # JSON text on both dialects ('["sq", "en"]'); a quoted code matches one element.
        where.append(sql.contains("CAST(locales AS TEXT)", f'"{flt.locale}"'))
    if flt.search:
        where.append(sql.contains("email", flt.search.strip().lower()))
    return where


def _where(conditions: list[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""


def _check_filter(flt: SubscriberFilter, settings: Settings) -> None:
    # Another locale would match nobody: an empty list would read as "no subscribers".
    if flt.locale and flt.locale not in settings.locales:
        raise AudienceError.single(
            AudienceErrorCode.UNSUPPORTED_LOCALE,
            f"Not a language offered ({', '.join(settings.locales)}): {quoted(flt.locale)}.",
            "filter.locale",
        )


async def list_subscribers(
    actor: StaffUser,
    flt: SubscriberFilter,
    *,
    first: int,
    after_id: int | None,
    settings: Settings,
) -> SubscriberPage:
    """Newest first, keyset-paged on id; UNSUPPORTED_LOCALE for a locale not offered."""
    require_role(actor, StaffRole.EDITOR)
    _check_filter(flt, settings)
    sql = statement()
    conditions = _conditions(flt, sql, with_status=True)
    if after_id is not None:
        conditions.append(f"id < {sql.param(after_id)}")
    rows = await sql.rows(
        f"SELECT {_COLUMNS} FROM subscriber{_where(conditions)}"
        f" ORDER BY id DESC LIMIT {sql.param(first + 1)}"
    )
    count_sql = statement()
    counted = await count_sql.rows(
        "SELECT status, COUNT(*) AS n FROM subscriber"
        f"{_where(_conditions(flt, count_sql, with_status=False))} GROUP BY status"
    )
    counts = {status: 0 for status in SubscriberStatus}
    for status, number in counted:
        counts[SubscriberStatus(status)] = int(number)
    wanted = set(flt.statuses) or set(SubscriberStatus)
    return SubscriberPage(
        rows=[_record(row) for row in rows[:first]],
        has_next=len(rows) > first,
        total=sum(n for status, n in counts.items() if status in wanted),
        counts=counts,
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def export_subscriber(actor: StaffUser, subscriber_id: int) -> dict[str, Any]:
    """Everything held about one subscriber (GDPR access), as JSON-ready data."""
    require_role(actor, StaffRole.EDITOR)
    row = await Subscriber.get_or_none(id=subscriber_id)
    if row is None:
        raise NotFound(f"No subscriber {subscriber_id}.")
    deliveries = await Delivery.filter(subscriber_id=row.id).order_by("id")
    digests = {
        digest.id: digest
        for digest in await Digest.filter(id__in={d.digest_id for d in deliveries})  # type: ignore[attr-defined]
    }
    await record(actor, "subscriber.exported", target=subscriber_target(row.id))
    return {
        "subscriber": {
            "id": row.id,
            "email": row.email,
            "status": row.status.value,
            "locales": row.locales,
            "topics": row.topics,
            "kinds": row.kinds,
            "frequency": row.frequency.value,
            "consent": {
                "at": _iso(row.consented_at),
                "source": row.source,
                "ipAddress": row.ip_address,
            },
            "createdAt": _iso(row.created_at),
            "updatedAt": _iso(row.updated_at),
            "confirmedAt": _iso(row.confirmed_at),
            "unsubscribedAt": _iso(row.unsubscribed_at),
            "suppressedReason": row.suppressed_reason,
            "confirmationMailsRequested": row.confirmation_requests,
            "confirmationMailsSent": row.confirmations_sent,
        },
        "deliveries": [
            {
                "digest": {
                    "id": d.digest_id,  # type: ignore[attr-defined]
                    "frequency": digests[d.digest_id].frequency.value,  # type: ignore[attr-defined]
                    "periodStart": _iso(digests[d.digest_id].period_start),  # type: ignore[attr-defined]
                    "periodEnd": _iso(digests[d.digest_id].period_end),  # type: ignore[attr-defined]
                },
                "status": d.status.value,
                "attempts": d.attempts,
                "acceptedAt": _iso(d.accepted_at),
                "lastError": d.last_error,
                "createdAt": _iso(d.created_at),
            }
            for d in deliveries
        ],
    }


async def erase_subscriber(actor: StaffUser, subscriber_id: int) -> int:
    """Delete a subscriber and their deliveries (GDPR erasure); audited without the address."""
    require_role(actor, StaffRole.EDITOR)
    async with in_transaction():
        row = await Subscriber.get_or_none(id=subscriber_id)
        if row is None:
            raise NotFound(f"No subscriber {subscriber_id}.")
        deliveries = await Delivery.filter(subscriber_id=row.id).delete()
        await Subscriber.filter(id=row.id).delete()
        if row.status is SubscriberStatus.SUPPRESSED:
            # Erased, yet a bounce or a complaint must still keep the address from being
            # signed up again: only its hash stays (service/audience/suppression.py). Not
            # the reason either: a server's 550 reply often quotes the address.
            await list_addresses([row.email], "suppressed, then erased")
        # The address is what was erased: the log keeps only that it happened.
        await record(
            actor,
            "subscriber.erased",
            target=subscriber_target(row.id),
            details={"deliveries": deliveries, "status": row.status.value},
        )
    log.info("audience.subscriber_erased subscriber=%s by=staff:%s", row.id, actor.id)
    return row.id
