"""Sending a mailing's ledger rows: claim, render once per variant, build, send, settle.

A `Mailing` says what one kind of mail is (staff notice, digest): which variant a row
gets, how a variant renders, how a row's message is built, and what a refusal means.
The `Courier` does the rest the same way for every kind, through one `Sender` (the SMTP
pool). It lets at most `slots` sends be in flight at once in the whole process, each
holding its slot from the claim until the outcome is written: so when the process dies,
at most `slots` messages can have been accepted and not recorded (docs/architecture.md §1).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from itertools import islice
from typing import Protocol, TypeVar

from service.delivery.ledger import Ledger
from service.mail.message import MessageBody, MessageBuilder, OutgoingMessage
from service.mail.render import Rendered, Renderer
from service.mail.smtp import Sender, SendResult, SendStatus

log = logging.getLogger("buletin.delivery")
# Rows a lane claims in one statement and then sends one after the other: a claim per
# message would cost as much as the message's own write (32 against 8 measured ~4% more
# digest throughput). Even at the default 20 msg/s a group is sent long before its lease
# lapses; a dead worker's unsent claims wait for the lease, which delays, not duplicates.
CLAIM_GROUP = 32
# Variants' bodies a mailing keeps; past this the oldest goes (a digest reused across
# batches can meet many (language, selection) pairs).
KEPT_BODIES = 256

Row = TypeVar("Row", contravariant=True)
R = TypeVar("R")


@dataclass
class Tally:
    accepted: int = 0
    failed: int = 0
    deferred: int = 0  # released for a later try (4xx, a lost connection)
    skipped: int = 0  # nothing to send this row, or another worker had it


class Mailing(Protocol[Row]):
    """What one kind of mail is; the Courier asks it and does the sending."""

    @property
    def ledger(self) -> Ledger: ...

    @property
    def lease(self) -> timedelta:
        """How long a claim holds before another worker may take the row over."""
        ...

    @property
    def max_attempts(self) -> int:
        """After this many a temporary failure is final, so nothing loops forever."""
        ...

    def variant_of(self, row: Row) -> Hashable:
        """The variant this row gets, or a `Skip` when it gets no mail."""
        ...

    def render(self, variant: Hashable) -> Rendered: ...

    @property
    def bodies(self) -> dict[Hashable, MessageBody]:
        """The Courier's cache of rendered variants: it lives as long as the mailing does,
        so a mailing kept for several batches renders each variant once for all of them."""
        ...

    def message(self, row: Row, body: MessageBody) -> OutgoingMessage:
        """The row's message: `builder.build(body, values=…)` with the row's slot values."""
        ...

    async def refused(self, row: Row, result: SendResult) -> None:
        """A permanent refusal was recorded; e.g. a hard bounce suppresses the address."""
        ...

    async def gave_up(self, row: Row, cause: str) -> None:
        """The row failed for good (recorded already): make it visible where it matters."""
        ...


@dataclass(frozen=True)
class Skip:
    """A row that gets no mail, and why (the subscriber left meanwhile, nothing matched)."""

    reason: str


class Courier:
    """One per process: the mail kit (renderer, builder, sender) and `slots` sends at a time."""

    def __init__(
        self, sender: Sender, renderer: Renderer, builder: MessageBuilder, *, slots: int
    ) -> None:
        self.sender = sender
        self.renderer = renderer
        self.builder = builder
        self.slots = slots
        self._slots = asyncio.Semaphore(slots)

    async def deliver(self, mailing: Mailing[R], rows: Iterable[R]) -> Tally:
        """Send every row nobody else holds; each is settled right after its send."""
        tally = Tally()
        pending = iter(list(rows))
        lanes = [self._lane(mailing, pending, tally) for _ in range(self.slots)]
        await asyncio.gather(*lanes)
        return tally

    async def _lane(
        self,
        mailing: Mailing[R],
        pending: Iterator[R],
        tally: Tally,
    ) -> None:
        while True:
            # A slot first, then the claim: a claimed row never waits for a slot while its
            # lease runs out (another worker would take it over and send it too).
            async with self._slots:
                group = list(islice(pending, CLAIM_GROUP))  # lanes share the iterator
                if not group:
                    return
                after: list[Callable[[], Awaitable[None]]] = []
                try:
                    # The group's claim and settles on one connection (Ledger.pinned).
                    async with mailing.ledger.pinned() as ledger:
                        claimed = await ledger.claim_many([_id(r) for r in group], mailing.lease)
                        # Not claimed: another worker has it, or it was settled meanwhile.
                        tally.skipped += len(group) - len(claimed)
                        settling: asyncio.Task[None] | None = None
                        try:
                            for row in group:
                                if _id(row) in claimed:
                                    settling = await self._one(
                                        mailing, ledger, row, tally, after, settling
                                    )
                        finally:
                            if settling is not None:
                                await settling  # before the connection goes back to the pool
                finally:
                    # A refusal's consequences (a suppression, an audit record) take their own
                    # connections: only once the pinned one is back, so no lane holds two.
                    for consequence in after:
                        await consequence()

    async def _one(
        self,
        mailing: Mailing[R],
        ledger: Ledger,
        row: R,
        tally: Tally,
        after: list[Callable[[], Awaitable[None]]],
        settling: asyncio.Task[None] | None,
    ) -> asyncio.Task[None] | None:
        """One claimed row: render (once per variant), build, send, settle.

        `settling` is the lane's previous row being marked accepted; it overlaps this row's
        build and first SMTP commands, and is done before this row's data goes (the
        sender's `after`) and before this row's own ledger move: so at most one accepted
        message per lane is ever unrecorded. Returns this row's settle, if it is running.
        """
        row_id, attempts = _id(row), int(getattr(row, "attempts"))  # noqa: B009
        composed = _compose(mailing, row)
        if not isinstance(composed, OutgoingMessage):
            if settling is not None:
                await settling  # this row's ledger move comes after the one before it
            if isinstance(composed, Skip):
                await ledger.mark_skipped(row_id, composed.reason)
                tally.skipped += 1
            else:
                await self._give_up(mailing, ledger, row, composed.cause, tally, after)
            return None
        # If this raises, the outcome is unknown: the claim lapses and the row goes again.
        result = await self.sender.send(composed, after=settling)
        if settling is not None:
            await settling  # a send that ended before its data did not wait for it
        if result.status is SendStatus.ACCEPTED:
            tally.accepted += 1
            return asyncio.ensure_future(ledger.mark_accepted(row_id))
        if result.status is SendStatus.PERMANENT or attempts + 1 >= mailing.max_attempts:
            await self._give_up(mailing, ledger, row, result.detail, tally, after)
            if result.status is SendStatus.PERMANENT:
                after.append(partial(mailing.refused, row, result))
        else:
            await ledger.release(row_id, result.detail)
            tally.deferred += 1
        return None

    async def _give_up(
        self,
        mailing: Mailing[R],
        ledger: Ledger,
        row: R,
        cause: str,
        tally: Tally,
        after: list[Callable[[], Awaitable[None]]],
    ) -> None:
        await ledger.mark_failed(_id(row), cause)
        tally.failed += 1
        after.append(partial(mailing.gave_up, row, cause))


@dataclass(frozen=True)
class Unsendable:
    """A row whose message cannot be made; no retry will mend it."""

    cause: str


def _compose(mailing: Mailing[R], row: R) -> OutgoingMessage | Skip | Unsendable:
    """The row's message, rendering its variant the first time it is needed."""
    variant = mailing.variant_of(row)
    if isinstance(variant, Skip):
        return variant
    bodies = mailing.bodies
    body = bodies.get(variant)
    if body is None:
        try:
            # Rendered (and CSS-inlined, and encoded up to its first slot) once per
            # variant; only the slots differ per row.
            body = bodies[variant] = MessageBody(mailing.render(variant))
        except Exception as exc:  # a broken template or value
            return Unsendable(f"not renderable: {exc!r}")
        if len(bodies) > KEPT_BODIES:
            del bodies[next(iter(bodies))]  # dicts keep insertion order: the oldest
    try:
        return mailing.message(row, body)
    except ValueError as exc:  # an address or a name no server would take
        return Unsendable(f"not sendable: {exc}")


def _id(row: object) -> int:
    # Every ledger row has an id and attempts (see Ledger); the ORM types them loosely.
    return int(getattr(row, "id"))  # noqa: B009
