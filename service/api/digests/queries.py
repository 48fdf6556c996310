"""Digest queries: a preview of the next digest, and the digests sent so far."""

from __future__ import annotations

import base64
import binascii

import strawberry

from service.api.content.queries import PageInfo
from service.api.context import Info
from service.api.digests.renderer import renderer_of
from service.api.digests.types import Digest, DigestConnection, DigestEdge, DigestPreview
from service.api.errors import ApiError, ErrorCode
from service.api.permissions import IsEditor, current_staff, refusals_as_errors
from service.audience import digest_tools
from service.audience.digest_errors import DigestError
from service.audience.enums import DigestFrequency


def encode_digest_cursor(digest_id: int) -> str:
    return base64.urlsafe_b64encode(f"digest:{digest_id}".encode()).decode().rstrip("=")


def decode_digest_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        kind, _, number = raw.partition(":")
        if kind != "digest":
            raise ValueError(cursor)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(
            ErrorCode.BAD_USER_INPUT, "The cursor is not one this API gave out.", field="after"
        ) from exc


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
                rendered = await digest_tools.preview_digest(
                    frequency,
                    locales,
                    actor=current_staff(info),
                    renderer=renderer_of(info),
                    settings=settings,
                )
            except DigestError as exc:
                first = exc.errors[0]
                raise ApiError(
                    ErrorCode.BAD_USER_INPUT,
                    first.message,
                    reason=first.code.value,
                    field=first.field,
                ) from exc
        return DigestPreview(subject=rendered.subject, html=rendered.html, text=rendered.text)

    @strawberry.field(
        description="Digests, newest first, with counts by delivery status (editors).",
        permission_classes=[IsEditor],
    )
    async def digests(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> DigestConnection:
        settings = info.context.settings
        if not 0 <= first <= settings.max_page_size:
            raise ApiError(
                ErrorCode.BAD_USER_INPUT,
                f"`first` must be between 0 and {settings.max_page_size}.",
                field="first",
            )
        after_id = decode_digest_cursor(after) if after is not None else None
        with refusals_as_errors():
            page = await digest_tools.list_digests(
                actor=current_staff(info), first=first, after_id=after_id
            )
        edges = [
            DigestEdge(
                cursor=encode_digest_cursor(row.id),
                node=Digest.of(row, page.counts[row.id], settings.zone),
            )
            for row in page.digests
        ]
        return DigestConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
