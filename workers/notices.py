"""Staff notices: render once per language, claim each notice, send, settle
(docs/architecture.md §1).

The ledger (service.notices.ledger) makes this idempotent: a job run twice, or by two
workers, or after a crash, sends each notice once (bar a crash inside the SMTP call).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from arq import Retry

from service.mail.smtp import SendStatus
from service.notices import ledger
from service.notices.context import notice_contexts

if TYPE_CHECKING:
    from service.mail.message import MessageBuilder
    from service.mail.render import Rendered, Renderer
    from service.mail.smtp import Sender
    from service.notices.models import StaffNotice
    from service.settings import Settings

log = logging.getLogger("buletin.workers.notices")
TEMPLATE = "staff_notice"
# After this many attempts a temporary failure is treated as final, so nothing loops forever.
MAX_ATTEMPTS = 12


@dataclass
class Tally:
    accepted: int = 0
    failed: int = 0
    deferred: int = 0
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)


async def _send_one(
    ctx: dict[str, Any], notice: StaffNotice, variant: Rendered, tally: Tally
) -> None:
    builder: MessageBuilder = ctx["builder"]
    sender: Sender = ctx["mail"]
    member = notice.staff
    try:
        message = builder.build(
            variant.fill({"recipient_name": member.name}),
            key=f"notice-{notice.id}",
            to_address=member.email,
            to_name=member.name,
            auto_submitted=True,
        )
    except ValueError as exc:  # an address or a name no server would take: permanent
        await ledger.give_up(notice, f"not sendable: {exc}")
        tally.failed += 1
        return
    # If this raises, the outcome is unknown: the claim lapses and the notice goes again.
    result = await sender.send(message)
    if result.status is SendStatus.ACCEPTED:
        await ledger.mark_accepted(notice.id)
        tally.accepted += 1
    elif result.status is SendStatus.PERMANENT or notice.attempts + 1 >= MAX_ATTEMPTS:
        await ledger.give_up(notice, result.detail)
        tally.failed += 1
        tally.reasons.append(result.detail)
    else:
        await ledger.release(notice.id, result.detail)
        tally.deferred += 1


async def deliver_notices(ctx: dict[str, Any], entry_id: int) -> Tally:
    """Send every notice of this entry that nobody holds; settle each right after its send."""
    settings: Settings = ctx["settings"]
    renderer: Renderer = ctx["renderer"]
    tally = Tally()
    notices = await ledger.claimable(entry_id)
    if not notices:
        return tally
    contexts = await notice_contexts(entry_id, settings)
    if contexts is None:
        log.warning("notices.entry_gone entry=%s", entry_id)
        return tally
    variants: dict[str, Rendered] = {}
    lease = timedelta(seconds=settings.notice_lease_seconds)
    for notice in notices:
        if not await ledger.claim(notice.id, lease):
            tally.skipped += 1  # another worker has it, or it was settled meanwhile
            continue
        locale = notice.staff.locale if notice.staff.locale in contexts else settings.default_locale
        if locale not in variants:
            # Rendered (and CSS-inlined) once per language; only the name differs per person.
            try:
                variants[locale] = renderer.render(
                    TEMPLATE, locale, contexts[locale], slots=("recipient_name",)
                )
            except Exception as exc:  # a broken template or value: no retry will mend it
                await ledger.give_up(notice, f"not renderable: {exc!r}")
                tally.failed += 1
                continue
        await _send_one(ctx, notice, variants[locale], tally)
    log.info(
        "notices.sent entry=%s accepted=%s failed=%s deferred=%s",
        entry_id,
        tally.accepted,
        tally.failed,
        tally.deferred,
    )
    return tally


def retry_delay(job_try: int) -> int:
    delay: int = min(10 * 2 ** max(job_try - 1, 0), 600)
    return delay


async def send_staff_notices(ctx: dict[str, Any], entry_id: int) -> Tally:
    """First publication of an event or call: plan the notices, then deliver them."""
    settings: Settings = ctx["settings"]
    plan = await ledger.plan_notices(
        entry_id, max_age=timedelta(hours=settings.notice_max_age_hours)
    )
    if plan.skipped_reason:
        log.info("notices.not_planned entry=%s reason=%s", entry_id, plan.skipped_reason)
    tally = await deliver_notices(ctx, entry_id)
    if tally.deferred:
        # Temporary failures: arq runs this job again later; the ledger keeps it idempotent.
        raise Retry(defer=retry_delay(int(ctx.get("job_try", 1))))
    return tally


async def resume_notices(ctx: dict[str, Any]) -> int:
    """Cron: deliver notices a dead worker left behind or a retry gave up on."""
    settings: Settings = ctx["settings"]
    entry_ids = await ledger.stalled_entry_ids(
        grace=timedelta(seconds=settings.notice_lease_seconds)
    )
    for entry_id in entry_ids:
        await deliver_notices(ctx, entry_id)
    return len(entry_ids)
