"""GraphQL types of the newsletter's audience: sign-up input and payload, and the staff list."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import strawberry

from service.api.pagination import PageInfo
from service.api.payloads import UserError
from service.api.staff.types import entry_kinds, local_time
from service.audience.enums import DigestFrequency, SubscriberStatus
from service.audience.records import SubscriberRecord
from service.content.enums import EntryKind

# Registered in place, like EntryKind: the domain enum is the GraphQL enum.
strawberry.enum(DigestFrequency, name="DigestFrequency")
strawberry.enum(SubscriberStatus, name="SubscriberStatus")


@strawberry.input(description="A newsletter sign-up; a confirmation mail follows (double opt-in).")
class SubscribeInput:
    email: str
    locales: list[str] = strawberry.field(
        description='The digest\'s language(s): ["sq"], ["en"] or both (a bilingual digest).'
    )
    topics: list[str] | None = strawberry.field(
        default=None, description="Topic slugs; empty or absent: every topic."
    )
    kinds: list[EntryKind] | None = strawberry.field(
        default=None, description="Kinds of entry; empty or absent: every kind."
    )
    frequency: DigestFrequency = DigestFrequency.WEEKLY


@strawberry.type(
    description="`ok` is the same for a new, pending, active or suppressed address: check your "
    "inbox. `errors` is for bad input (INVALID_EMAIL, REQUIRED, UNSUPPORTED_LOCALE, "
    "UNKNOWN_TOPIC, INVALID), RATE_LIMITED (too many sign-ups from one client address) or "
    "UNAVAILABLE (try again)."
)
class SubscribePayload:
    ok: bool
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SubscriberFilter:
    status: list[SubscriberStatus] | None = None
    locale: str | None = strawberry.field(
        default=None,
        description="Subscribers reading it; one of `locales` (else BAD_USER_INPUT).",
    )
    frequency: DigestFrequency | None = None
    search: str | None = strawberry.field(default=None, description="Part of the address.")


@strawberry.type(description="A newsletter subscriber (editors and admins).")
class Subscriber:
    id: strawberry.ID
    email: str
    status: SubscriberStatus
    locales: list[str]
    topics: list[str]
    kinds: list[EntryKind]
    frequency: DigestFrequency
    consented_at: datetime | None = strawberry.field(description="When they (last) signed up.")
    source: str = strawberry.field(description="graphql, form, import or demo.")
    ip_address: str | None = strawberry.field(description="The client address of the sign-up.")
    created_at: datetime
    confirmed_at: datetime | None
    unsubscribed_at: datetime | None
    suppressed_reason: str | None

    @classmethod
    def of(cls, row: SubscriberRecord, zone: ZoneInfo) -> Subscriber:
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            status=row.status,
            locales=row.locales,
            topics=row.topics,
            kinds=entry_kinds(row.kinds),
            frequency=row.frequency,
            consented_at=local_time(row.consented_at, zone),
            source=row.source,
            ip_address=row.ip_address,
            created_at=row.created_at.astimezone(zone),
            confirmed_at=local_time(row.confirmed_at, zone),
            unsubscribed_at=local_time(row.unsubscribed_at, zone),
            suppressed_reason=row.suppressed_reason,
        )


@strawberry.type
class SubscriberEdge:
    cursor: str
    node: Subscriber


@strawberry.type(description="Subscribers by status.")
class SubscriberCounts:
    pending: int
    active: int
    unsubscribed: int
    suppressed: int


@strawberry.type
class SubscriberConnection:
    edges: list[SubscriberEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Subscribers matching the whole filter.")
    counts: SubscriberCounts = strawberry.field(
        description="By status, among subscribers matching the filter's other fields."
    )


@strawberry.type
class EraseSubscriberPayload:
    erased_id: strawberry.ID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
