"""Staff queries: who am I, and (for admins) the staff, the API tokens and the audit log."""

from __future__ import annotations

import strawberry

from service.api.context import Info
from service.api.pagination import after_id, check_first, id_cursor, page_info
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

AUDIT_CURSOR = "audit"


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
        check_first(first, settings)
        rows, has_next = await audit.page(first=first, after_id=after_id(AUDIT_CURSOR, after))
        edges = [
            AuditEventEdge(
                cursor=id_cursor(AUDIT_CURSOR, row.id),
                node=AuditEvent.of(row, settings.zone),
            )
            for row in rows
        ]
        return AuditEventConnection(
            edges=edges,
            page_info=page_info([edge.cursor for edge in edges], has_next=has_next, after=after),
        )
