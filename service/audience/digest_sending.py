"""Sending a digest at scale: freeze the audience, then send it in batches
(docs/architecture.md §1).

    plan_digest ──► freeze_audience ──► send_batch × n (any worker, in parallel) ──► sent

The audience is frozen first: a delivery row per active subscriber of the frequency,
written in pages by keyset on subscriber id, resumable from `planned_through`. Only then
do batches go out, each a range of delivery rows that any worker may take; every row is
claimed right before its SMTP call and settled right after, through the delivery engine.
Subscribers whose choices match nothing new get a SKIPPED row and no mail.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import ClassVar

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from service.audience.digest_render import DigestView, content_language, load_view, render_digest
from service.audience.digests import Contents, Selection, load_contents, variant_for
from service.audience.enums import DeliveryStatus, DigestStatus, SubscriberStatus
from service.audience.models import Delivery, Digest, Subscriber
from service.audience.suppression import suppress_subscriber
from service.audience.tokens import Purpose, make_tokens, token_link
from service.audience.unsubscribe_mail import unsubscribe_mailto
from service.delivery.engine import Courier, Skip, Tally
from service.delivery.ledger import Ledger
from service.mail.message import ListHeaders, MessageBody, OutgoingMessage
from service.mail.render import Rendered
from service.mail.smtp import SendResult
from service.settings import Settings
from service.staff.actors import SYSTEM

log = logging.getLogger("buletin.digests")
DELIVERIES = Ledger(
    Delivery,
    queued=DeliveryStatus.QUEUED,
    sending=DeliveryStatus.SENDING,
    accepted=DeliveryStatus.ACCEPTED,
    failed=DeliveryStatus.FAILED,
    skipped=DeliveryStatus.SKIPPED,
)
FREEZE_PAGE = 1000
_LINK_PURPOSES = (Purpose.UNSUBSCRIBE, Purpose.PREFERENCES)


async def freeze_audience(
    digest_id: int, *, lease: timedelta, page: int = FREEZE_PAGE
) -> Digest | None:
    """Write the digest's delivery rows; safe to run again, and it resumes where it died.

    None when the digest is gone, or another worker is freezing it now (its lease holds):
    that one sends it on. A freeze takes the lease with a compare-and-set and renews it
    with every page, so the outbox job and the resume cron never freeze one digest twice.
    """
    digest = await Digest.get_or_none(id=digest_id)
    if digest is None or digest.status is not DigestStatus.PLANNING:
        return digest
    moment = datetime.now(UTC)
    taken = await Digest.filter(
        Q(freeze_lease_until=None) | Q(freeze_lease_until__lt=moment),
        id=digest_id,
        status=DigestStatus.PLANNING,
    ).update(freeze_lease_until=moment + lease)
    if not taken:
        return None
    contents = await load_contents(digest.content)
    while True:
        rows = (
            await Subscriber.filter(
                status=SubscriberStatus.ACTIVE,
                frequency=digest.frequency,
                id__gt=digest.planned_through,
            )
            .order_by("id")
            .limit(page)
            .values_list("id", "kinds", "topics")
        )
        if not rows:
            break
        deliveries = [
            Delivery(
                digest_id=digest.id,
                subscriber_id=sid,
                status=DeliveryStatus.QUEUED
                if contents.select(kinds or (), topics or ())
                else DeliveryStatus.SKIPPED,
            )
            for sid, kinds, topics in rows
        ]
        through = int(rows[-1][0])
        async with in_transaction():
            # (digest, subscriber) is unique: a page written twice keeps the first rows.
            await Delivery.bulk_create(deliveries, ignore_conflicts=True)
            await Digest.filter(id=digest.id, planned_through__lt=through).update(
                planned_through=through, freeze_lease_until=datetime.now(UTC) + lease
            )
        digest.planned_through = through
    recipients = await Delivery.filter(digest_id=digest.id, status=DeliveryStatus.QUEUED).count()
    await Digest.filter(id=digest.id, status=DigestStatus.PLANNING).update(
        status=DigestStatus.SENDING, recipients=recipients, freeze_lease_until=None
    )
    log.info("digest.frozen digest=%s recipients=%s", digest.id, recipients)
    return await Digest.get(id=digest.id)


async def batch_ranges(digest_id: int, size: int) -> list[tuple[int, int]]:
    """The digest's deliveries cut into id ranges of `size` rows: one job each."""
    ranges: list[tuple[int, int]] = []
    after = 0
    while True:
        first = await (
            Delivery.filter(digest_id=digest_id, id__gt=after)
            .order_by("id")
            .first()
            .values_list("id", flat=True)
        )
        if first is None:
            return ranges
        last = await (
            Delivery.filter(digest_id=digest_id, id__gt=after)
            .order_by("id")
            .offset(size - 1)
            .first()
            .values_list("id", flat=True)
        )
        if last is None:  # a short last batch: up to the digest's last row
            last = await (
                Delivery.filter(digest_id=digest_id)
                .order_by("-id")
                .first()
                .values_list("id", flat=True)
            )
        ranges.append((int(first), int(last)))  # type: ignore[call-overload]
        after = int(last)  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class Recipient:
    """A delivery row with what its message needs of its subscriber, read in one query:
    plain values, since building a Delivery and a Subscriber model per row cost as much
    as building the message."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "id", "attempts", "subscriber_id", "subscriber__email", "subscriber__status",
        "subscriber__locales", "subscriber__kinds", "subscriber__topics",
    )  # fmt: skip

    id: int
    attempts: int
    subscriber_id: int
    email: str
    status: SubscriberStatus
    locales: list[str] | None
    kinds: list[str] | None
    topics: list[str] | None


@dataclass(frozen=True)
class DigestVariant:
    """What one message renders from: a language variant and a selection of entries."""

    language: str  # "sq", "en" or "bilingual"
    selection: Selection


@dataclass
class DigestMailing:
    """One digest as a mailing of the delivery engine."""

    view: DigestView
    courier: Courier
    settings: Settings
    ledger: Ledger = DELIVERIES
    max_attempts: int = 8
    # Kept with the mailing across batches: each (language, selection) renders once per process.
    bodies: dict[Hashable, MessageBody] = field(default_factory=dict)

    @property
    def contents(self) -> Contents:
        return self.view.contents

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.digest_lease_seconds)

    def variant_of(self, row: Recipient) -> Hashable:
        status = SubscriberStatus(row.status)
        if status is not SubscriberStatus.ACTIVE:
            return Skip(f"subscriber {status.value} since the digest was planned")
        selection = self.contents.select(row.kinds or (), row.topics or ())
        if not selection:
            return Skip("nothing new for their choices")
        return DigestVariant(variant_for(row.locales or [], self.settings.locales), selection)

    def render(self, variant: Hashable) -> Rendered:
        if not isinstance(variant, DigestVariant):
            raise TypeError(f"not a digest variant: {variant!r}")
        return render_digest(
            self.view,
            variant.language,
            variant.selection,
            renderer=self.courier.renderer,
            settings=self.settings,
        )

    @cached_property
    def _list_id(self) -> str:
        return f"{self.view.frequency.value}.digest.{self.courier.builder.id_domain}"

    @cached_property
    def _mailto_address(self) -> str:
        return self.settings.unsubscribe_mailto or self.courier.builder.envelope_sender

    def message(self, row: Recipient, body: MessageBody) -> OutgoingMessage:
        settings = self.settings
        leave, change = make_tokens(settings, _LINK_PURPOSES, row.subscriber_id, row.email)
        unsubscribe = token_link(settings, Purpose.UNSUBSCRIBE, leave)
        preferences = token_link(settings, Purpose.PREFERENCES, change)
        language = variant_for(row.locales or [], settings.locales)
        return self.courier.builder.build(
            body,
            values={"unsubscribe_url": unsubscribe, "preferences_url": preferences},
            key=f"digest-{self.view.digest_id}.{row.id}",
            to_address=row.email,
            list_headers=ListHeaders(
                list_name=settings.site_name,
                list_id=self._list_id,
                unsubscribe_url=unsubscribe,
                # The link's own token: a mail to this address unsubscribes as the link does.
                unsubscribe_mailto=unsubscribe_mailto(self._mailto_address, leave),
            ),
            language=content_language(language, settings),
        )

    async def gave_up(self, row: Recipient, cause: str) -> None:
        log.warning("digest.delivery_failed delivery=%s cause=%r", row.id, cause[:500])

    async def refused(self, row: Recipient, result: SendResult) -> None:
        if result.recipient_refused:  # "550 no such user": never mail the address again
            await suppress_subscriber(row.subscriber_id, f"bounce: {result.detail}", actor=SYSTEM)


_mailings: OrderedDict[tuple[int, int], DigestMailing] = OrderedDict()


async def mailing_for(digest: Digest, courier: Courier, settings: Settings) -> DigestMailing:
    """The digest's mailing, loaded once per process and kept for its next batches."""
    key = (digest.id, id(courier))
    mailing = _mailings.get(key)
    if mailing is None:
        mailing = DigestMailing(await load_view(digest), courier, settings)
        _mailings[key] = mailing
        while len(_mailings) > 4:
            _mailings.popitem(last=False)
    return mailing


async def send_batch(
    digest_id: int, first_id: int, last_id: int, *, courier: Courier, settings: Settings
) -> Tally:
    """Send the deliveries of one batch that nobody holds; then close the digest if done."""
    digest = await Digest.get_or_none(id=digest_id)
    if digest is None or digest.status is DigestStatus.PLANNING:
        return Tally()
    rows = [
        Recipient(*values)
        for values in await Delivery.filter(
            DELIVERIES.claimable(datetime.now(UTC)),
            digest_id=digest_id,
            id__gte=first_id,
            id__lte=last_id,
        )
        .order_by("id")
        .values_list(*Recipient.COLUMNS)
    ]
    tally = Tally()
    if rows:
        mailing = await mailing_for(digest, courier, settings)
        tally = await courier.deliver(mailing, rows)
        log.info(
            "digest.batch.sent digest=%s first=%s accepted=%s failed=%s deferred=%s skipped=%s",
            digest_id, first_id, tally.accepted, tally.failed, tally.deferred, tally.skipped,
        )  # fmt: skip
    await close_if_done(digest_id)
    return tally


async def close_if_done(digest_id: int) -> bool:
    """SENT once no delivery is queued or sending."""
    open_rows = await Delivery.filter(
        digest_id=digest_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
    ).exists()
    if open_rows:
        return False
    closed = await Digest.filter(id=digest_id, status=DigestStatus.SENDING).update(
        status=DigestStatus.SENT, sent_at=datetime.now(UTC)
    )
    if closed:
        log.info("digest.sent digest=%s", digest_id)
    return True


async def stalled_deliveries(
    settings: Settings, *, limit: int, now: datetime | None = None
) -> list[tuple[int, int, int]]:
    """(digest, first, last) ranges of rows nobody is sending: a dead worker's lapsed
    claims, or rows queued longer than a lease whose batch job is gone."""
    moment = now or datetime.now(UTC)
    grace = timedelta(seconds=settings.digest_lease_seconds)
    rows = (
        await Delivery.filter(DELIVERIES.stalled(moment, grace))
        .order_by("digest_id", "id")
        .limit(limit)
        .values_list("digest_id", "id")
    )
    ranges: dict[int, tuple[int, int]] = {}
    for digest_id, row_id in rows:
        first, _ = ranges.get(int(digest_id), (int(row_id), int(row_id)))
        ranges[int(digest_id)] = (first, int(row_id))
    return [(digest_id, first, last) for digest_id, (first, last) in ranges.items()]


async def unfinished_plans(now: datetime | None = None) -> list[int]:
    """Digests whose audience freeze a dead worker left half done, or nobody started."""
    moment = now or datetime.now(UTC)
    ids = await Digest.filter(
        Q(freeze_lease_until=None) | Q(freeze_lease_until__lt=moment),
        status=DigestStatus.PLANNING,
    ).values_list("id", flat=True)
    return [int(i) for i in ids]  # type: ignore[call-overload]
