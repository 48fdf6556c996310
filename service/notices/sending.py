"""Staff notices through the delivery engine: what a notice says, and what a send means.

One notice per (entry, staff member) in the ledger; rendered once per language, with only
the recipient's name filled in per message. Jobs call these with ids (workers/notices.py).
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from service.audit.log import record
from service.delivery.engine import Courier, Tally
from service.delivery.ledger import Ledger
from service.mail.message import MessageBody, OutgoingMessage
from service.mail.render import Rendered
from service.mail.smtp import SendResult
from service.notices import ledger
from service.notices.context import notice_contexts
from service.notices.ledger import NOTICES
from service.notices.models import StaffNotice
from service.settings import Settings
from service.staff.actors import SYSTEM
from service.staff.models import StaffUser

log = logging.getLogger("buletin.notices")
TEMPLATE = "staff_notice"


@dataclass
class StaffNoticeMailing:
    """One entry's notices: a variant per language, the name filled in per person."""

    contexts: dict[str, dict[str, Any]]
    courier: Courier
    settings: Settings
    ledger: Ledger = NOTICES
    max_attempts: int = 12
    bodies: dict[Hashable, MessageBody] = field(default_factory=dict)

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.notice_lease_seconds)

    def variant_of(self, row: StaffNotice) -> Hashable:
        locale = row.staff.locale
        return locale if locale in self.contexts else self.settings.default_locale

    def render(self, variant: Hashable) -> Rendered:
        locale = str(variant)
        return self.courier.renderer.render(
            TEMPLATE, locale, self.contexts[locale], slots=("recipient_name",)
        )

    def message(self, row: StaffNotice, body: MessageBody) -> OutgoingMessage:
        member = row.staff
        return self.courier.builder.build(
            body,
            values={"recipient_name": member.name},
            key=f"notice-{row.id}",
            to_address=member.email,
            to_name=member.name,
            auto_submitted=True,
        )

    async def refused(self, row: StaffNotice, result: SendResult) -> None:
        pass  # a staff address that bounces is for an admin to fix, not to suppress

    async def gave_up(self, row: StaffNotice, cause: str) -> None:
        # Said in the audit log and the log, so an admin sees why someone heard nothing.
        entry_id: int = row.entry_id  # type: ignore[attr-defined]
        await record(
            SYSTEM,
            "notice.failed",
            entry_id=entry_id,
            target=f"staff:{row.staff.id}",
            details={"notice": row.id, "cause": cause[:500]},
        )
        log.warning(
            "notices.failed notice=%s entry=%s staff=%s cause=%r",
            row.id,
            entry_id,
            row.staff.id,
            cause[:500],
        )


async def _published_by(notices: list[StaffNotice]) -> str | None:
    ids = {n.published_by_id for n in notices if n.published_by_id is not None}  # type: ignore[attr-defined]
    if not ids:
        return None
    member = await StaffUser.get_or_none(id=min(ids))
    return member.name if member is not None else None


async def deliver_notices(entry_id: int, *, courier: Courier, settings: Settings) -> Tally:
    """Send every notice of this entry that nobody holds; settle each right after its send."""
    notices = await ledger.claimable(entry_id)
    if not notices:
        return Tally()
    contexts = await notice_contexts(entry_id, settings, await _published_by(notices))
    if contexts is None:
        log.warning("notices.entry_gone entry=%s", entry_id)
        return Tally()
    tally = await courier.deliver(StaffNoticeMailing(contexts, courier, settings), notices)
    log.info(
        "notices.sent entry=%s accepted=%s failed=%s deferred=%s",
        entry_id, tally.accepted, tally.failed, tally.deferred,
    )  # fmt: skip
    return tally


async def send_staff_notices(
    entry_id: int, published_by_id: int | None, *, courier: Courier, settings: Settings
) -> Tally:
    """First publication of an event or call: plan the notices, then deliver them."""
    nobody = await ledger.plan_notices(
        entry_id,
        published_by_id=published_by_id,
        max_age=timedelta(hours=settings.notice_max_age_hours),
    )
    if nobody:
        log.info("notices.not_planned entry=%s reason=%s", entry_id, nobody)
    return await deliver_notices(entry_id, courier=courier, settings=settings)


async def stalled_entries(settings: Settings, now: datetime | None = None) -> list[int]:
    """Entries with notices a dead worker left behind or a spent retry gave up on."""
    grace = timedelta(seconds=settings.notice_lease_seconds)
    rows = await StaffNotice.filter(NOTICES.stalled(now or datetime.now(UTC), grace)).values(
        "entry_id"
    )
    return sorted({int(row["entry_id"]) for row in rows})
