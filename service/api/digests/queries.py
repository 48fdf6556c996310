"""Digest queries: a preview of the next digest, and the digests sent so far."""

from __future__ import annotations

import strawberry

from service.api.context import Info
from service.api.digests.types import Digest, DigestConnection, DigestEdge, DigestPreview
from service.api.errors import bad_input
from service.api.pagination import after_id, check_first, id_cursor, page_info
from service.api.permissions import IsEditor, current_staff, refusals_as_errors
from service.audience import digest_tools
from service.audience.digest_errors import DigestError
from service.audience.enums import DigestFrequency
from service.web.digests import app_renderer

DIGEST_CURSOR = "digest"


@strawberry.type
class DigestQuery:
    @strawberry.field(
        description="The next digest of this frequency as it would go out now (editors).",
        permission_classes=[IsEditor],
    )
    async def preview_digest(
        self, info: Info, frequency: DigestFrequency, locales: list[str]
    ) -> DigestPreview:
        settings = info.context.settings
        with refusals_as_errors():
            try:
                preview = await digest_tools.preview_digest(
                    frequency,
                    locales,
                    actor=current_staff(info),
                    renderer=app_renderer(info.context.request),
                    settings=settings,
                )
            except DigestError as exc:
                raise bad_input(exc) from exc
        rendered = preview.rendered
        return DigestPreview(
            subject=rendered.subject,
            html=rendered.html,
            text=rendered.text,
            new_items=preview.new_items,
        )

    @strawberry.field(
        description="Digests, newest first, with counts by delivery status (editors).",
        permission_classes=[IsEditor],
    )
    async def digests(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> DigestConnection:
        settings = info.context.settings
        check_first(first, settings)
        with refusals_as_errors():
            page = await digest_tools.list_digests(
                actor=current_staff(info), first=first, after_id=after_id(DIGEST_CURSOR, after)
            )
        edges = [
            DigestEdge(
                cursor=id_cursor(DIGEST_CURSOR, row.id),
                node=Digest.of(row, page.counts[row.id], settings.zone),
            )
            for row in page.digests
        ]
        return DigestConnection(
            edges=edges,
            page_info=page_info([e.cursor for e in edges], has_next=page.has_next, after=after),
        )
