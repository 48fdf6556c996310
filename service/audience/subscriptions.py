"""Subscribing, confirming, changing choices and leaving: every change to a subscriber.

```
            subscribe                confirm(token)
  (none) ─────────────► pending ─────────────────────► active
                          ▲  │ unsubscribe(token)        │ unsubscribe(token)
                subscribe │  ▼                           ▼
                       unsubscribed ◄────────────────────┘
  suppressed: set by the sending side (hard bounce, complaint, import); nothing here moves it.
```

The public sign-up answers the same for a new, pending, active or suppressed address, so
nobody learns who subscribes. A pending or returning address gets a fresh confirmation
mail; an active one gets nothing new (its digests carry a preferences link); a suppressed
one is silently not mailed. The mail itself is sent by a worker: the sign-up writes an
outbox event in its transaction (service/audience/confirmation.py sends it).

Self-service actions are authorised by the signed link (service/audience/tokens.py), which
proves the caller reads that mailbox; the consent evidence (when, through which door,
from which client address) is kept on the row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from service.audience.choices import Choices, check_choices, normalise_email
from service.audience.enums import DigestFrequency, SubscriberStatus
from service.audience.errors import AudienceError, AudienceErrorCode
from service.audience.models import Subscriber
from service.audience.suppression import is_listed
from service.audience.throttle import SignUpThrottle, ThrottleUnavailable
from service.audience.tokens import CONFIRM_TTL, InvalidToken, Purpose, read_token
from service.errors import FieldError
from service.outbox.events import SUBSCRIPTION_REQUESTED, emit
from service.settings import Settings
from service.staff.actors import Actor, System

log = logging.getLogger("buletin.audience")

# A concurrent sign-up for the same address can win the race for the row; try again.
_ATTEMPTS = 3


class SignUpSource(str, Enum):
    GRAPHQL = "graphql"
    FORM = "form"


@dataclass(frozen=True)
class Consent:
    """Evidence of a sign-up (GDPR): through which door, from which client address."""

    source: SignUpSource
    client: str | None


class SignUpOutcome(str, Enum):
    """What a sign-up did; callers answer the same for each (no enumeration)."""

    CONFIRMATION_REQUESTED = "confirmation-requested"  # new, pending or returning address
    ALREADY_ACTIVE = "already-active"
    SUPPRESSED = "suppressed"
    THROTTLED = "throttled"  # this address asked too often: nothing changed, no mail


@dataclass(frozen=True)
class SignUp:
    """The raw sign-up as a form or the API sends it."""

    email: str
    locales: Sequence[str]
    topics: Sequence[str] | None = None
    kinds: Sequence[str] | None = None
    frequency: str | DigestFrequency | None = None


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _choice_fields(choices: Choices) -> dict[str, Any]:
    return {
        "locales": list(choices.locales),
        "topics": list(choices.topics),
        "kinds": [kind.value for kind in choices.kinds],
        "frequency": choices.frequency,
    }


async def check_sign_up(sign_up: SignUp, *, settings: Settings) -> tuple[str, Choices]:
    """The address and choices, valid; every problem at once otherwise."""
    errors: list[FieldError] = []
    email = ""
    try:
        email = normalise_email(sign_up.email)
    except AudienceError as exc:
        errors += exc.errors
    try:
        choices = await check_choices(
            locales=sign_up.locales,
            topics=sign_up.topics,
            kinds=sign_up.kinds,
            frequency=sign_up.frequency,
            settings=settings,
        )
    except AudienceError as exc:
        errors += exc.errors
    if errors:
        raise AudienceError(errors)
    return email, choices


async def subscribe(
    sign_up: SignUp,
    *,
    consent: Consent,
    throttle: SignUpThrottle,
    settings: Settings,
    now: datetime | None = None,
) -> SignUpOutcome:
    """A public sign-up (double opt-in). Raises AudienceError for bad input or a client
    over its limit; nothing is written then."""
    try:
        if not await throttle.client_request(consent.client or "unknown"):
            raise AudienceError.single(
                AudienceErrorCode.RATE_LIMITED,
                "Too many sign-ups from your network; try again in an hour.",
            )
        email, choices = await check_sign_up(sign_up, settings=settings)
        if not await throttle.address_request(email):
            log.info("audience.sign_up_throttled source=%s", consent.source.value)
            return SignUpOutcome.THROTTLED
    except ThrottleUnavailable:
        log.warning("audience.throttle_unavailable")
        raise AudienceError.single(
            AudienceErrorCode.UNAVAILABLE, "Sign-up is unavailable for a moment; try again."
        ) from None
    moment = _now(now)
    for _ in range(_ATTEMPTS):
        try:
            outcome = await _record_sign_up(email, choices, consent, moment)
        except IntegrityError:  # another request created the row first: read it again
            continue
        if outcome is not None:
            log.info("audience.sign_up outcome=%s source=%s", outcome.value, consent.source.value)
            return outcome
    raise RuntimeError(f"sign-up for one address kept racing after {_ATTEMPTS} attempts")


async def _record_sign_up(
    email: str, choices: Choices, consent: Consent, moment: datetime
) -> SignUpOutcome | None:
    """One try; None when a concurrent change moved the row under us."""
    async with in_transaction():
        row = await Subscriber.get_or_none(email=email)
        if row is None and await is_listed(email):
            return SignUpOutcome.SUPPRESSED  # imported, or suppressed and erased since
        if row is None:
            created = await Subscriber.create(
                email=email,
                status=SubscriberStatus.PENDING,
                consented_at=moment,
                source=consent.source.value,
                ip_address=consent.client,
                confirmation_requests=1,
                **_choice_fields(choices),
            )
            await emit(SUBSCRIPTION_REQUESTED, subscriber_id=created.id, request=1)
            return SignUpOutcome.CONFIRMATION_REQUESTED
        if row.status is SubscriberStatus.ACTIVE:
            # Never let a stranger change someone's choices; their digests carry the link.
            return SignUpOutcome.ALREADY_ACTIVE
        if row.status is SubscriberStatus.SUPPRESSED:
            return SignUpOutcome.SUPPRESSED
        # Pending (a fresh confirmation) or unsubscribed (signing up anew): new consent.
        request = row.confirmation_requests + 1
        changed = await Subscriber.filter(
            id=row.id, status=row.status, confirmation_requests=row.confirmation_requests
        ).update(
            status=SubscriberStatus.PENDING,
            consented_at=moment,
            source=consent.source.value,
            ip_address=consent.client,
            confirmed_at=None,
            confirmation_requests=request,
            updated_at=moment,
            **_choice_fields(choices),
        )
        if not changed:
            return None
        await emit(SUBSCRIPTION_REQUESTED, subscriber_id=row.id, request=request)
        return SignUpOutcome.CONFIRMATION_REQUESTED


@dataclass(frozen=True)
class LinkedSubscriber:
    """A subscriber as a verified signed link named them, and for which page: the proof
    that self-service actions are authorised by (the caller reads that mailbox)."""

    row: Subscriber
    purpose: Purpose


async def subscriber_for_link(
    token: str, purpose: Purpose, *, settings: Settings
) -> LinkedSubscriber:
    """The subscriber a signed link names; InvalidToken when it names nobody (any more),
    SubscriberGone when its subscriber was erased.

    The token carries the address too: a link to an erased row whose id came back cannot
    reach the new one.
    """
    subject = read_token(settings, purpose, token)
    return LinkedSubscriber(await _named(subject.subscriber_id, subject.email), purpose)


class SubscriberGone(InvalidToken):
    """A good link whose subscriber was erased, the address not signed up since: that
    address is not subscribed, which is all a one-click unsubscribe asks."""


async def _named(subscriber_id: int, email: str) -> Subscriber:
    row = await Subscriber.get_or_none(id=subscriber_id, email=email)
    if row is not None:
        return row
    if await Subscriber.filter(email=email).exists():
        # Erased and signed up again: a link to the old row must not speak for the new one.
        raise InvalidToken("This link names an earlier subscription of this address.")
    raise SubscriberGone("This link names no subscription.")


async def _reread(row: Subscriber) -> Subscriber:
    """The row again after a guarded update missed it: changed or erased meanwhile."""
    return await _named(row.id, row.email)


async def confirm(token: str, *, settings: Settings, now: datetime | None = None) -> Subscriber:
    """The double opt-in link: pending → active. Idempotent for an active subscriber."""
    row = (await subscriber_for_link(token, Purpose.CONFIRM, settings=settings)).row
    if row.status is SubscriberStatus.ACTIVE:
        return row
    if row.status is not SubscriberStatus.PENDING:
        # Left or suppressed since: an old confirmation link must not bring them back.
        raise InvalidToken("This sign-up is no longer waiting for confirmation.")
    moment = _now(now)
    fields = {"status": SubscriberStatus.ACTIVE, "confirmed_at": moment, "updated_at": moment}
    if await Subscriber.filter(id=row.id, status=SubscriberStatus.PENDING).update(**fields):
        row.update_from_dict(fields)
        log.info("audience.confirmed subscriber=%s", row.id)
        return row
    row = await _reread(row)  # confirmed by a second click meanwhile, or left, or erased
    if row.status is SubscriberStatus.ACTIVE:
        return row
    raise InvalidToken("This sign-up is no longer waiting for confirmation.")


def _first_kept(chosen: Sequence[str], before: Sequence[str]) -> list[str]:
    """The languages chosen, those the subscriber had coming first in their old order: the
    first language is their pages' and leads a bilingual digest, and ticking a second box
    on a form that lists Albanian first must not change it."""
    return sorted(
        chosen, key=lambda locale: before.index(locale) if locale in before else len(before)
    )


async def change_preferences(
    link: LinkedSubscriber,
    *,
    locales: Sequence[str],
    topics: Sequence[str] | None,
    kinds: Sequence[str] | None,
    frequency: str | DigestFrequency | None,
    settings: Settings,
    now: datetime | None = None,
) -> Subscriber:
    """A subscriber changes their choices through the (verified) preferences link."""
    if link.purpose is not Purpose.PREFERENCES:
        raise InvalidToken("This link cannot change preferences.")
    row = link.row
    if row.status is SubscriberStatus.ACTIVE:
        choices = await check_choices(
            locales=_first_kept(locales, row.locales or []),
            topics=topics,
            kinds=kinds,
            frequency=frequency,
            settings=settings,
        )
        fields = {"updated_at": _now(now), **_choice_fields(choices)}
        if await Subscriber.filter(id=row.id, status=SubscriberStatus.ACTIVE).update(**fields):
            row.update_from_dict(fields)
            log.info("audience.preferences_changed subscriber=%s", row.id)
            return row
        await _reread(row)  # erased since the link was read: the link names nobody now
    raise AudienceError.single(
        AudienceErrorCode.NOT_SUBSCRIBED,
        "This address is not subscribed any more; sign up again to get the newsletter.",
    )


async def unsubscribe(token: str, *, settings: Settings, now: datetime | None = None) -> Subscriber:
    """Leave through the one-click link. Idempotent; a suppressed address stays suppressed."""
    link = await subscriber_for_link(token, Purpose.UNSUBSCRIBE, settings=settings)
    return await leave(link, now=now)


_LEAVING_PURPOSES = (Purpose.UNSUBSCRIBE, Purpose.PREFERENCES)


async def leave(link: LinkedSubscriber, *, now: datetime | None = None) -> Subscriber:
    """unsubscribe for a caller that has verified an unsubscribe or preferences link already."""
    if link.purpose not in _LEAVING_PURPOSES:
        raise InvalidToken("This link cannot unsubscribe.")
    row = link.row
    if row.status in (SubscriberStatus.PENDING, SubscriberStatus.ACTIVE):
        moment = _now(now)
        fields = {
            "status": SubscriberStatus.UNSUBSCRIBED,
            "unsubscribed_at": moment,
            "updated_at": moment,
        }
        if await Subscriber.filter(
            id=row.id, status__in=(SubscriberStatus.PENDING, SubscriberStatus.ACTIVE)
        ).update(**fields):
            row.update_from_dict(fields)
        else:
            row = await _reread(row)  # left or was suppressed since the link was read
        log.info("audience.unsubscribed subscriber=%s", row.id)
    return row


async def purge_stale_sign_ups(actor: Actor, *, now: datetime | None = None) -> int:
    """Delete sign-ups never confirmed within the confirmation link's lifetime (7 days)."""
    cutoff = _now(now) - CONFIRM_TTL
    purged = await Subscriber.filter(
        status=SubscriberStatus.PENDING, consented_at__lt=cutoff
    ).delete()
    if purged:
        log.info("audience.pending_purged count=%s by=%s", purged, _actor_name(actor))
    return purged


async def add_active_subscriber(
    email: str,
    choices: Choices,
    *,
    actor: Actor,
    source: str,
    now: datetime | None = None,
) -> Subscriber | None:
    """An address whose consent was gathered elsewhere (the demo, an import): active at once.

    None when the address is already known, whatever its status: a second run changes
    nothing, and a suppressed or unsubscribed address is never brought back this way.
    """
    address = normalise_email(email)
    moment = _now(now)
    try:
        async with in_transaction():
            if await Subscriber.filter(email=address).exists():
                return None
            row = await Subscriber.create(
                email=address,
                status=SubscriberStatus.ACTIVE,
                consented_at=moment,
                confirmed_at=moment,
                source=source,
                **_choice_fields(choices),
            )
    except IntegrityError:
        return None
    log.info("audience.subscriber_added subscriber=%s by=%s", row.id, _actor_name(actor))
    return row


def _actor_name(actor: Actor) -> str:
    return actor.name if isinstance(actor, System) else f"staff:{actor.id}"
