"""The double opt-in mail: rendered in the chosen language(s), sent once per request.

Each sign-up that asks for a mail takes a request number (service/audience/subscriptions);
the ledger on the subscriber row (`confirmation_requests`, `confirmations_sent`,
`confirmation_lease_until`) makes sending idempotent the way the notice ledger does:
claim with a lease right before the SMTP call, settle right after. A job run twice, or
two workers, send one mail per request; only a crash inside the SMTP call can repeat one.

A bilingual subscriber gets both languages one after the other in one mail, with both
subjects joined: each language's part is rendered in its own gettext environment, and
the parts go into one layout (email_templates/subscription_confirm.*).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from markupsafe import Markup
from tortoise.expressions import Q

from service.audience.enums import SubscriberStatus
from service.audience.models import Subscriber
from service.audience.tokens import Purpose, link
from service.delivery.engine import Courier
from service.mail.render import Rendered, Renderer
from service.mail.smtp import SendStatus
from service.settings import Settings

log = logging.getLogger("buletin.audience")

TEMPLATE = "subscription_confirm"
SECTION = "subscription_confirm_section"


class ConfirmationResult(str, Enum):
    SENT = "sent"
    ALREADY_SENT = "already-sent"  # this request (or a later one) was sent before
    NOT_PENDING = "not-pending"  # confirmed, left, suppressed or purged meanwhile
    BUSY = "busy"  # another worker holds the claim: try again after its lease
    DEFERRED = "deferred"  # the relay said "later" (4xx, network): try again
    FAILED = "failed"  # refused for good (5xx) or not sendable: never again


@dataclass(frozen=True)
class Section:
    locale: str
    subject: str
    text: str
    html: Markup
    text_footer: str
    html_footer: Markup


def render_confirmation(
    renderer: Renderer, locales: Sequence[str], context: dict[str, Any]
) -> Rendered:
    """One mail with a part per chosen language, in the order chosen."""
    sections = []
    for locale in locales:
        # A template's top-level {% set %} values are exported by its module.
        text = renderer.macros(f"{SECTION}.txt", locale, context)
        html = renderer.macros(f"{SECTION}.html", locale, context)
        sections.append(
            Section(
                locale=locale,
                subject=str(text.subject),
                text=str(text).strip(),
                html=Markup(str(html)),
                text_footer=str(text.footer).strip(),
                html_footer=Markup(html.footer),
            )
        )
    return renderer.render(
        TEMPLATE,
        locales[0],
        {**context, "sections": sections, "subjects": [s.subject for s in sections]},
    )


async def _claim(subscriber_id: int, request: int, lease: timedelta, now: datetime) -> bool:
    claimed = await Subscriber.filter(
        Q(confirmation_lease_until=None) | Q(confirmation_lease_until__lt=now),
        id=subscriber_id,
        status=SubscriberStatus.PENDING,
        confirmations_sent__lt=request,
    ).update(confirmation_lease_until=now + lease)
    return bool(claimed)


async def _settle(subscriber_id: int, request: int, *, done: bool) -> None:
    if done:
        await Subscriber.filter(id=subscriber_id, confirmations_sent__lt=request).update(
            confirmations_sent=request
        )
    await Subscriber.filter(id=subscriber_id).update(confirmation_lease_until=None)


async def send_confirmation(
    subscriber_id: int,
    request: int,
    *,
    courier: Courier,
    settings: Settings,
    now: datetime | None = None,
) -> ConfirmationResult:
    """Send the confirmation mail of sign-up request number `request`, unless done."""
    moment = now or datetime.now(UTC)
    lease = timedelta(seconds=settings.confirmation_lease_seconds)
    if not await _claim(subscriber_id, request, lease, moment):
        row = await Subscriber.get_or_none(id=subscriber_id)
        if row is None or row.status is not SubscriberStatus.PENDING:
            return ConfirmationResult.NOT_PENDING
        if row.confirmations_sent >= request:
            return ConfirmationResult.ALREADY_SENT
        return ConfirmationResult.BUSY
    row = await Subscriber.get(id=subscriber_id)
    context = {
        "email": row.email,
        "frequency": row.frequency.value,
        "confirm_url": link(settings, Purpose.CONFIRM, row.id, row.email),
    }
    try:
        rendered = render_confirmation(courier.renderer, row.locales, context)
        message = courier.builder.build(
            rendered,
            key=f"confirm-{row.id}-{request}",
            to_address=row.email,
            auto_submitted=True,
            language=", ".join(row.locales),
        )
    except ValueError as exc:  # an address no relay would take: final
        log.warning("audience.confirmation_unsendable subscriber=%s error=%s", row.id, exc)
        await _settle(row.id, request, done=True)
        return ConfirmationResult.FAILED
    # If this raises, the outcome is unknown: the claim lapses and a retry sends again.
    result = await courier.sender.send(message)
    if result.status is SendStatus.ACCEPTED:
        await _settle(row.id, request, done=True)
        log.info("audience.confirmation_sent subscriber=%s request=%s", row.id, request)
        return ConfirmationResult.SENT
    if result.status is SendStatus.PERMANENT:
        await _settle(row.id, request, done=True)  # never again: a bounce will not change
        log.warning("audience.confirmation_failed subscriber=%s reply=%r", row.id, result.detail)
        return ConfirmationResult.FAILED
    await _settle(row.id, request, done=False)
    log.info("audience.confirmation_deferred subscriber=%s reply=%r", row.id, result.detail)
    return ConfirmationResult.DEFERRED
