"""Staff queries: who am I, and (for admins) the staff, the API tokens and the audit log."""

from __future__ import annotations

import base64
import binascii

import strawberry

from service.api.content.queries import PageInfo
from service.api.context import Info
from service.api.errors import ApiError, ErrorCode
from service.api.permissions import IsAdmin
from service.api.staff.types import (
    ApiToken,
    AuditEvent,
    AuditEventConnection,
    AuditEventEdge,
    Staff,
)
from service.audit import log as audit
from service.staff import queries


def encode_audit_cursor(event_id: int) -> str:
    return base64.urlsafe_b64encode(f"audit:{event_id}".encode()).decode().rstrip("=")


def decode_audit_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        kind, _, number = raw.partition(":")
        if kind != "audit":
            raise ValueError(cursor)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(
            ErrorCode.BAD_USER_INPUT, "The cursor is not one this API gave out.", field="after"
        ) from exc


@strawberry.type
class StaffQuery:
    @strawberry.field(description="The signed-in staff member; null when anonymous.")
    def me(self, info: Info) -> Staff | None:
        staff = info.context.staff
        return Staff.of(staff, info.context.settings.zone) if staff is not None else None

    @strawberry.field(description="Every staff account (admins).", permission_classes=[IsAdmin])
    async def staff_members(self, info: Info) -> list[Staff]:
        zone = info.context.settings.zone
        return [Staff.of(row, zone) for row in await queries.list_staff()]

    @strawberry.field(
        description="Every API token, newest first (admins).", permission_classes=[IsAdmin]
    )
    async def api_tokens(self, info: Info) -> list[ApiToken]:
        zone = info.context.settings.zone
        return [ApiToken.of(row, row.staff, zone) for row in await queries.list_api_tokens()]

    @strawberry.field(
        description="Who did what, newest first (admins).", permission_classes=[IsAdmin]
    )
    async def audit_log(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> AuditEventConnection:
        settings = info.context.settings
        if not 0 <= first <= settings.max_page_size:
            raise ApiError(
                ErrorCode.BAD_USER_INPUT,
                f"`first` must be between 0 and {settings.max_page_size}.",
                field="first",
            )
        after_id = decode_audit_cursor(after) if after is not None else None
        rows, has_next = await audit.page(first=first, after_id=after_id)
        edges = [
            AuditEventEdge(
                cursor=encode_audit_cursor(row.id), node=AuditEvent.of(row, settings.zone)
            )
            for row in rows
        ]
        return AuditEventConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
