"""The suppression list: addresses that must never get a digest again.

A hard bounce ("550 no such user" to RCPT) or an imported list suppresses an address. A
suppressed subscriber keeps their row (so a new sign-up of the same address is seen
for what it is) but is never planned into a digest again. An address with no row (listed
by an import before anyone signed it up, or a suppressed subscriber erased since) is kept
as a hash in `suppressed_address`, so a sign-up of it is refused all the same.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from service.audience.choices import normalise_email
from service.audience.enums import SubscriberStatus
from service.audience.errors import AudienceError
from service.audience.models import Subscriber, SuppressedAddress
from service.audit.log import record
from service.staff.actors import Actor
from service.staff.enums import StaffRole
from service.staff.roles import require_actor_role

log = logging.getLogger("buletin.audience")


async def suppress_subscriber(subscriber_id: int, reason: str, *, actor: Actor) -> bool:
    """Suppress one subscriber (a hard bounce: SYSTEM). True if changed."""
    require_actor_role(actor, StaffRole.ADMIN)
    changed = (
        await Subscriber.filter(id=subscriber_id)
        .exclude(status=SubscriberStatus.SUPPRESSED)
        .update(status=SubscriberStatus.SUPPRESSED, suppressed_reason=reason[:255])
    )
    if changed:
        log.info("audience.suppressed subscriber=%s reason=%r", subscriber_id, reason[:255])
    return bool(changed)


def address_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


async def is_listed(email: str) -> bool:
    """Suppressed with no subscriber row: a sign-up of this address must be refused."""
    return await SuppressedAddress.exists(address_hash=address_hash(email))


async def list_addresses(emails: Iterable[str], reason: str) -> None:
    """Keep these addresses suppressed though no subscriber row has them (hashes only)."""
    await _keep_hashes(dict.fromkeys(address_hash(email) for email in emails), reason)


async def _keep_hashes(hashes: Iterable[str], reason: str) -> None:
    rows = [SuppressedAddress(address_hash=digest, reason=reason[:255]) for digest in hashes]
    if rows:
        await SuppressedAddress.bulk_create(rows, batch_size=500, ignore_conflicts=True)


# Addresses per query of an import or a lift: IN lists stay short on either database.
_CHUNK = 500


def _chunks(addresses: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(addresses), _CHUNK):
        yield addresses[start : start + _CHUNK]


@dataclass(frozen=True)
class InvalidLine:
    number: int  # counted from 1, comments and blank lines included, as an editor shows it
    text: str


@dataclass(frozen=True)
class ImportReport:
    suppressed: int  # subscribers found and suppressed now
    already: int  # found, suppressed before
    listed: int  # no subscriber with that address: kept, so a sign-up of it is refused
    invalid: list[InvalidLine]  # lines that hold no address we could send to


# Bounce and complaint exports put more after the address: a date, a reason, a code.
_COLUMNS = re.compile(r"[\t,;]")
_BRACKETED = re.compile(r"<([^<>]*@[^<>]*)>")


def _candidate(line: str) -> str:
    """The address a line holds: inside `<…>`, else its first column; less any `mailto:`."""
    bracketed = _BRACKETED.search(line)
    text = (bracketed.group(1) if bracketed else _COLUMNS.split(line, maxsplit=1)[0]).strip()
    return text[len("mailto:") :] if text.lower().startswith("mailto:") else text


def _addresses(lines: Iterable[str]) -> tuple[list[str], list[InvalidLine]]:
    """Each line's address as a sign-up would store it (a listed address must match its
    row), each once."""
    good: list[str] = []
    bad: list[InvalidLine] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            good.append(normalise_email(_candidate(line)))
        except AudienceError:
            bad.append(InvalidLine(number, line))
    return list(dict.fromkeys(good)), bad


async def import_suppressions(lines: Iterable[str], *, reason: str, actor: Actor) -> ImportReport:
    """Suppress every subscriber whose address is listed, one address per line; all or
    nothing, audited with the counts (not the addresses)."""
    require_actor_role(actor, StaffRole.ADMIN)
    addresses, invalid = _addresses(lines)
    suppressed = already = listed = 0
    async with in_transaction():
        for chunk in _chunks(addresses):
            rows = await Subscriber.filter(email__in=chunk).values_list("id", "email", "status")
            known = {str(email) for _, email, _ in rows}
            unknown = {address_hash(address) for address in chunk if address not in known}
            kept = await SuppressedAddress.filter(address_hash__in=unknown).values_list(
                "address_hash", flat=True
            )
            new = unknown - {str(digest) for digest in kept}
            await _keep_hashes(new, reason)
            listed += len(new)
            already += len(unknown) - len(new)  # listed by an earlier import
            ids = [int(sid) for sid, _, status in rows if status != SubscriberStatus.SUPPRESSED]
            already += len(rows) - len(ids)
            if ids:
                suppressed += await Subscriber.filter(id__in=ids).update(
                    status=SubscriberStatus.SUPPRESSED,
                    suppressed_reason=reason[:255],
                    updated_at=datetime.now(UTC),
                )
        await record(
            actor,
            "suppressions.imported",
            details={
                "suppressed": suppressed,
                "already": already,
                "listed": listed,
                "invalid": len(invalid),
                "reason": reason[:255],
            },
        )
    log.info(
        "audience.suppressions_imported suppressed=%s already=%s listed=%s invalid=%s",
        suppressed, already, listed, len(invalid),
    )  # fmt: skip
    return ImportReport(suppressed, already, listed, invalid)


@dataclass(frozen=True)
class LiftReport:
    lifted: int  # suppressed subscribers now unsubscribed: they may sign up again
    unlisted: int  # addresses with no subscriber row taken off the list
    not_suppressed: int  # listed addresses nobody had suppressed
    invalid: list[InvalidLine]


async def lift_suppressions(lines: Iterable[str], *, actor: Actor) -> LiftReport:
    """Take the listed addresses off the suppression list (a wrong import, a mailbox that
    works again), in the file format `import_suppressions` reads; all or nothing, audited.

    A lifted subscriber becomes unsubscribed, not active: after a bounce or a complaint
    nobody may be mailed again until they sign up and confirm once more.
    """
    require_actor_role(actor, StaffRole.ADMIN)
    addresses, invalid = _addresses(lines)
    lifted = unlisted = 0
    async with in_transaction():
        for chunk in _chunks(addresses):
            lifted += await Subscriber.filter(
                email__in=chunk, status=SubscriberStatus.SUPPRESSED
            ).update(
                status=SubscriberStatus.UNSUBSCRIBED,
                suppressed_reason=None,
                updated_at=datetime.now(UTC),
            )
            unlisted += await SuppressedAddress.filter(
                address_hash__in=[address_hash(address) for address in chunk]
            ).delete()
        not_suppressed = len(addresses) - lifted - unlisted
        await record(
            actor,
            "suppressions.lifted",
            details={
                "lifted": lifted,
                "unlisted": unlisted,
                "not_suppressed": not_suppressed,
                "invalid": len(invalid),
            },
        )
    log.info(
        "audience.suppressions_lifted lifted=%s unlisted=%s not_suppressed=%s invalid=%s",
        lifted, unlisted, not_suppressed, len(invalid),
    )  # fmt: skip
    return LiftReport(lifted, unlisted, not_suppressed, invalid)
