"""Staff tools for digests: preview, a test send, the list of digests with their counts.

Editors and admins only (`check_staff`); `sendDigestNow` is plan_digest itself.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from service.audience.choices import normalise_email
from service.audience.digest_errors import DigestError, DigestErrorCode
from service.audience.digest_render import (
    DigestView,
    build_view,
    content_language,
    render_digest,
)
from service.audience.digests import (
    check_staff,
    compose,
    find_content,
    period_for,
    variant_for,
)
from service.audience.enums import DeliveryStatus, DigestFrequency
from service.audience.errors import AudienceError, quoted_list
from service.audience.models import Delivery, Digest
from service.audit.log import record
from service.delivery.engine import Courier
from service.errors import FieldError
from service.mail.render import Rendered, Renderer
from service.outbox.events import DIGEST_TEST_REQUESTED, emit
from service.settings import Settings
from service.staff.actors import Actor, staff_of

log = logging.getLogger("buletin.digests")


def check_locales(locales: Sequence[str], settings: Settings) -> str:
    """The variant for these locales, or UNSUPPORTED_LOCALE / REQUIRED."""
    if not locales:
        raise DigestError.single(DigestErrorCode.REQUIRED, "Choose one locale or more.", "locales")
    unknown = [locale for locale in locales if locale not in settings.locales]
    if unknown:
        raise DigestError.single(
            DigestErrorCode.UNSUPPORTED_LOCALE,
            f"Unknown locale(s): {quoted_list(unknown)}; use {', '.join(settings.locales)}.",
            "locales",
        )
    return variant_for(locales, settings.locales)


async def _draft_view(content: dict[str, list[int]], frequency: DigestFrequency) -> DigestView:
    # Id 0: not sent yet, so its "view in browser" link leads to no digest.
    return await build_view(0, frequency, content)


@dataclass(frozen=True, slots=True)
class DigestPreview:
    rendered: Rendered
    # 0: nothing new, so no digest would go out now (sending answers NOTHING_TO_SEND).
    new_items: int


async def preview_digest(
    frequency: DigestFrequency,
    locales: Sequence[str],
    *,
    actor: Actor,
    renderer: Renderer,
    settings: Settings,
    now: datetime | None = None,
) -> DigestPreview:
    """The next digest of this frequency as a reader of everything would get it, were it
    sent now; with nothing new it still shows what would ride along, so the layout can be
    checked, and `new_items` says that no digest would go out."""
    check_staff(actor)
    variant = check_locales(locales, settings)
    start, end = await period_for(frequency, now or datetime.now(UTC))
    view = await _draft_view(await find_content(start, end), frequency)
    selection = view.contents.everything()
    rendered = render_digest(view, variant, selection, renderer=renderer, settings=settings)
    return DigestPreview(
        rendered.fill({"unsubscribe_url": "#", "preferences_url": "#"}), len(selection.new)
    )


def _check_email(email: str) -> str:
    """The address as a sign-up would store it: staff get no test mail to one a reader
    could not subscribe with. INVALID_EMAIL or REQUIRED otherwise."""
    try:
        return normalise_email(email)
    except AudienceError as exc:
        raise DigestError(
            [FieldError(DigestErrorCode(e.code.value), e.message, "email") for e in exc.errors]
        ) from None


async def request_test_digest(
    frequency: DigestFrequency,
    locales: Sequence[str],
    email: str,
    *,
    actor: Actor,
    settings: Settings,
    now: datetime | None = None,
) -> None:
    """Have a worker mail the next digest, as it would go out now, to one address."""
    check_staff(actor)
    check_locales(locales, settings)
    address = _check_email(email)
    await compose(frequency, now or datetime.now(UTC))  # NOTHING_TO_SEND: nothing to test
    async with in_transaction():
        await emit(
            DIGEST_TEST_REQUESTED,
            frequency=frequency.value,
            locales=list(locales),
            email=address,
            actor_id=staff.id if (staff := staff_of(actor)) is not None else None,
        )
        # The address is staff's own input, not a subscriber's: kept, to see who got what.
        await record(
            actor,
            "digest.test_requested",
            details={"frequency": frequency.value, "locales": list(locales), "email": address},
        )


async def send_test_digest(
    frequency: DigestFrequency,
    locales: Sequence[str],
    email: str,
    *,
    actor: Actor,
    courier: Courier,
    settings: Settings,
    now: datetime | None = None,
) -> bool:
    """The test digest itself (a worker job): rendered and sent now; nothing is recorded.
    False when there is nothing to send any more or the server refused it (logged)."""
    check_staff(actor)
    variant = check_locales(locales, settings)
    try:
        _, content = await compose(frequency, now or datetime.now(UTC))
    except DigestError:
        return False
    view = await _draft_view(content, frequency)
    rendered = render_digest(
        view, variant, view.contents.everything(), renderer=courier.renderer, settings=settings
    )
    message = courier.builder.build(
        rendered,
        # Nobody to unsubscribe: the links go nowhere, as in the preview, not to a 404.
        values={"unsubscribe_url": "#", "preferences_url": "#"},
        key=f"digest-test.{secrets.token_hex(8)}",
        to_address=_check_email(email),
        language=content_language(variant, settings),
    )
    result = await courier.sender.send(message)
    if not result.accepted:
        log.warning("digest.test_refused email=%s reply=%r", email, result.detail)
    return bool(result.accepted)


@dataclass(frozen=True)
class DigestPage:
    digests: list[Digest]
    counts: dict[int, Counter[DeliveryStatus]]
    has_next: bool


async def list_digests(*, actor: Actor, first: int, after_id: int | None) -> DigestPage:
    """Newest first, with each digest's deliveries counted by status: two statements."""
    check_staff(actor)
    query = Digest.all().order_by("-id")
    if after_id is not None:
        query = query.filter(id__lt=after_id)
    rows = await query.limit(first + 1)
    page = rows[:first]
    counts: dict[int, Counter[DeliveryStatus]] = {row.id: Counter() for row in page}
    if page:
        grouped = (
            await Delivery.filter(digest_id__in=list(counts))
            .annotate(n=Count("id"))
            .group_by("digest_id", "status")
            .values_list("digest_id", "status", "n")
        )
        for digest_id, status, n in grouped:
            counts[int(digest_id)][DeliveryStatus(status)] = int(n)
    return DigestPage(page, counts, len(rows) > first)
