"""GraphQL digest types."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import strawberry

from service.api.pagination import PageInfo
from service.api.payloads import UserError
from service.api.staff.types import local_time
from service.audience.enums import DeliveryStatus, DigestFrequency, DigestStatus
from service.audience.models import Digest as DigestRow

# Registered in place: the domain enum is the GraphQL enum (DigestFrequency is registered
# with the audience types).
strawberry.enum(DigestStatus, name="DigestStatus")


@strawberry.type(description="A digest rendered for one language variant, not sent.")
class DigestPreview:
    subject: str
    html: str
    text: str
    new_items: int = strawberry.field(
        description="New entries it carries. 0: nothing new, so no digest would go out now "
        "(sendDigestNow answers NOTHING_TO_SEND); what would ride along is still shown."
    )


@strawberry.type(description="How many of a digest's deliveries are in each state.")
class DeliveryCounts:
    queued: int
    sending: int
    accepted: int = strawberry.field(description="Taken by the mail server (not 'delivered').")
    failed: int
    skipped: int = strawberry.field(description="Nothing new matched the subscriber's choices.")

    @classmethod
    def of(cls, counts: Counter[DeliveryStatus]) -> DeliveryCounts:
        return cls(**{status.value: counts[status] for status in DeliveryStatus})


@strawberry.type(description="One issue of the newsletter for one frequency and period.")
class Digest:
    id: strawberry.ID
    frequency: DigestFrequency
    status: DigestStatus
    period_start: datetime
    period_end: datetime
    recipients: int = strawberry.field(
        description="Deliveries queued to be sent when the audience froze; subscribers "
        "with nothing new for their choices are under counts.skipped instead."
    )
    created_at: datetime
    sent_at: datetime | None
    counts: DeliveryCounts

    @classmethod
    def of(cls, row: DigestRow, counts: Counter[DeliveryStatus], zone: ZoneInfo) -> Digest:
        return cls(
            id=strawberry.ID(str(row.id)),
            frequency=row.frequency,
            status=row.status,
            period_start=row.period_start.astimezone(zone),
            period_end=row.period_end.astimezone(zone),
            recipients=row.recipients,
            created_at=row.created_at.astimezone(zone),
            sent_at=local_time(row.sent_at, zone),
            counts=DeliveryCounts.of(counts),
        )


@strawberry.type
class DigestEdge:
    cursor: str
    node: Digest


@strawberry.type
class DigestConnection:
    edges: list[DigestEdge]
    page_info: PageInfo


@strawberry.type
class DigestPayload:
    digest: Digest | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
