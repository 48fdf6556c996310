"""Staff queries over subscribers: the filtered list with counts, and one's data export."""

from __future__ import annotations

import base64
import binascii

import strawberry
from strawberry.scalars import JSON

from service.api.audience.types import (
    Subscriber,
    SubscriberConnection,
    SubscriberCounts,
    SubscriberEdge,
    SubscriberFilter,
)
from service.api.content.queries import PageInfo
from service.api.context import Info
from service.api.errors import ApiError, ErrorCode
from service.api.payloads import int_id
from service.api.permissions import IsEditor, current_staff, refusals_as_errors
from service.audience import records
from service.audience.enums import SubscriberStatus


def encode_subscriber_cursor(subscriber_id: int) -> str:
    return base64.urlsafe_b64encode(f"subscriber:{subscriber_id}".encode()).decode().rstrip("=")


def decode_subscriber_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        kind, _, number = raw.partition(":")
        if kind != "subscriber":
            raise ValueError(cursor)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(
            ErrorCode.BAD_USER_INPUT, "The cursor is not one this API gave out.", field="after"
        ) from exc


@strawberry.type
class AudienceQuery:
    @strawberry.field(
        description="Newsletter subscribers, newest first, with counts by status (editors).",
        permission_classes=[IsEditor],
    )
    async def subscribers(
        self,
        info: Info,
        filter: SubscriberFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> SubscriberConnection:
        settings = info.context.settings
        if not 0 <= first <= settings.max_page_size:
            raise ApiError(
                ErrorCode.BAD_USER_INPUT,
                f"`first` must be between 0 and {settings.max_page_size}.",
                field="first",
            )
        given = filter or SubscriberFilter()
        flt = records.SubscriberFilter(
            statuses=tuple(given.status or ()),
            locale=given.locale,
            frequency=given.frequency,
            search=given.search,
        )
        with refusals_as_errors():
            page = await records.list_subscribers(
                current_staff(info),
                flt,
                first=first,
                after_id=decode_subscriber_cursor(after) if after is not None else None,
            )
        edges = [
            SubscriberEdge(
                cursor=encode_subscriber_cursor(row.id), node=Subscriber.of(row, settings.zone)
            )
            for row in page.rows
        ]
        return SubscriberConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
            counts=SubscriberCounts(
                pending=page.counts[SubscriberStatus.PENDING],
                active=page.counts[SubscriberStatus.ACTIVE],
                unsubscribed=page.counts[SubscriberStatus.UNSUBSCRIBED],
                suppressed=page.counts[SubscriberStatus.SUPPRESSED],
            ),
        )

    @strawberry.field(
        description="Everything held about one subscriber, as JSON: their row and every "
        "delivery to them (GDPR access; editors; audited).",
        permission_classes=[IsEditor],
    )
    async def subscriber_export(self, info: Info, id: strawberry.ID) -> JSON:
        with refusals_as_errors():
            data = await records.export_subscriber(current_staff(info), int_id(id, "subscriber"))
        return JSON(data)
