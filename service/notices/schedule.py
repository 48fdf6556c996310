"""Telling a staff member that the entry they scheduled did not go out (it is a draft again).

One message per failure: the outbox event that announces the failure keys it, so a job
run twice sends a message with the same Message-ID, which mail clients fold together.
"""

from __future__ import annotations

import logging
from enum import Enum

from service.content.locales import pick
from service.content.models import EntryTranslation
from service.delivery.engine import Courier
from service.mail.smtp import SendStatus
from service.settings import Settings
from service.staff.models import StaffUser

log = logging.getLogger("buletin.notices")
TEMPLATE = "schedule_failed"


class Told(str, Enum):
    ACCEPTED = "accepted"
    NOBODY = "nobody"  # scheduled by the system, or the account is gone or inactive
    FAILED = "failed"  # refused for good; logged with the cause
    RETRY = "retry"  # a temporary failure: send again later


async def tell_scheduler(
    event_id: int,
    entry_id: int,
    staff_id: int | None,
    reason: str,
    *,
    courier: Courier,
    settings: Settings,
) -> Told:
    member = await StaffUser.get_or_none(id=staff_id, is_active=True) if staff_id else None
    if member is None:
        return Told.NOBODY
    translations = {tr.locale: tr for tr in await EntryTranslation.filter(entry_id=entry_id)}
    locale = member.locale if member.locale in settings.locales else None
    translation = pick(translations, locale or settings.default_locale, settings)
    title = translation.title if translation is not None else f"#{entry_id}"
    rendered = courier.renderer.render(
        TEMPLATE,
        locale or settings.default_locale,
        {"entry_title": title, "reason": reason, "recipient_name": member.name},
    )
    try:
        message = courier.builder.build(
            rendered,
            key=f"schedule-failed-{event_id}",
            to_address=member.email,
            to_name=member.name,
            auto_submitted=True,
        )
    except ValueError as exc:
        log.error("notices.schedule_failed_unsendable staff=%s cause=%s", member.id, exc)
        return Told.FAILED
    result = await courier.sender.send(message)
    if result.status is SendStatus.ACCEPTED:
        return Told.ACCEPTED
    if result.status is SendStatus.PERMANENT:
        log.error("notices.schedule_failed_refused staff=%s cause=%s", member.id, result.detail)
        return Told.FAILED
    return Told.RETRY
