"""Staff queries over subscribers: the filtered list with counts, and one's data export."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from service.api.arguments import int_id
from service.api.audience.types import (
    Subscriber,
    SubscriberConnection,
    SubscriberCounts,
    SubscriberEdge,
    SubscriberFilter,
)
from service.api.context import Info
from service.api.errors import bad_input
from service.api.pagination import after_id, check_first, id_cursor, page_info, scoped_kind
from service.api.permissions import IsEditor, current_staff, refusals_as_errors
from service.audience import records
from service.audience.enums import SubscriberStatus
from service.audience.errors import AudienceError

SUBSCRIBER_CURSOR = "subscriber"


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
        check_first(first, settings)
        given = filter or SubscriberFilter()
        flt = records.SubscriberFilter(
            statuses=tuple(given.status or ()),
            locale=given.locale,
            frequency=given.frequency,
            search=given.search,
        )
        # Another filter's cursor would resume the wrong list: bound to this one.
        kind = scoped_kind(SUBSCRIBER_CURSOR, records.list_identity(flt))
        with refusals_as_errors():
            try:
                page = await records.list_subscribers(
                    current_staff(info),
                    flt,
                    first=first,
                    after_id=after_id(kind, after),
                    settings=settings,
                )
            except AudienceError as exc:
                raise bad_input(exc) from exc
        edges = [
            SubscriberEdge(
                cursor=id_cursor(kind, row.id),
                node=Subscriber.of(row, settings.zone),
            )
            for row in page.rows
        ]
        return SubscriberConnection(
            edges=edges,
            page_info=page_info([e.cursor for e in edges], has_next=page.has_next, after=after),
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
