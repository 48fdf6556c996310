"""GraphQL staff types: accounts, API tokens and the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import strawberry
from strawberry.scalars import JSON

from service.api.pagination import PageInfo
from service.api.payloads import UserError
from service.content.enums import EntryKind
from service.staff.enums import StaffRole

if TYPE_CHECKING:
    from service.audit.models import AuditEvent as AuditRow
    from service.staff.models import ApiToken as ApiTokenRow
    from service.staff.models import StaffUser

# Registered in place, like EntryKind: the domain enum is the GraphQL enum.
strawberry.enum(StaffRole, name="StaffRole")


def local_time(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone) if moment is not None else None


_KINDS = {kind.value: kind for kind in EntryKind}


def entry_kinds(values: Iterable[str]) -> list[EntryKind]:
    """Stored kind values as the enum; a value no longer known is left out, not an error."""
    return [_KINDS[value] for value in values if value in _KINDS]


@strawberry.type(description="A staff account.")
class Staff:
    id: strawberry.ID
    email: str
    name: str
    role: StaffRole
    locale: str = strawberry.field(description="The language of the staff member's emails.")
    notify_on: list[EntryKind] = strawberry.field(
        description="Kinds of entry whose first publication emails this staff member."
    )
    is_active: bool
    last_login_at: datetime | None

    @classmethod
    def of(cls, row: StaffUser, zone: ZoneInfo) -> Staff:
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            name=row.name,
            role=row.role,
            locale=row.locale,
            notify_on=entry_kinds(row.notify_on),
            is_active=row.is_active,
            last_login_at=local_time(row.last_login_at, zone),
        )


@strawberry.type(description="A long-lived bearer token; only its digest is stored.")
class ApiToken:
    id: strawberry.ID
    name: str
    owner: Staff = strawberry.field(description="The account the token acts as.")
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool

    @classmethod
    def of(cls, row: ApiTokenRow, owner: StaffUser, zone: ZoneInfo) -> ApiToken:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            owner=Staff.of(owner, zone),
            created_at=row.created_at.astimezone(zone),
            last_used_at=local_time(row.last_used_at, zone),
            revoked=row.revoked_at is not None,
        )


@strawberry.type(description="One change (or sign-in) and who made it.")
class AuditEvent:
    id: strawberry.ID
    action: str = strawberry.field(description="A stable name, e.g. `staff.login_failed`.")
    actor: Staff | None = strawberry.field(description="Null for the system or a stranger.")
    entry_id: strawberry.ID | None
    target: str | None = strawberry.field(description="What changed, e.g. `staff:12`.")
    details: JSON
    created_at: datetime

    @classmethod
    def of(cls, row: AuditRow, zone: ZoneInfo) -> AuditEvent:
        actor = row.actor
        details: dict[str, Any] = row.details
        return cls(
            id=strawberry.ID(str(row.id)),
            action=row.action,
            actor=Staff.of(actor, zone) if actor is not None else None,
            entry_id=strawberry.ID(str(row.entry_id)) if row.entry_id is not None else None,
            target=row.target,
            details=JSON(details),
            created_at=row.created_at.astimezone(zone),
        )


@strawberry.type
class AuditEventEdge:
    cursor: str
    node: AuditEvent


@strawberry.type
class AuditEventConnection:
    edges: list[AuditEventEdge]
    page_info: PageInfo


@strawberry.type
class LoginPayload:
    token: str | None = strawberry.field(
        default=None, description="Send it as `Authorization: Bearer <token>`."
    )
    expires_at: datetime | None = None
    staff: Staff | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class StaffPayload:
    staff: Staff | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ApiTokenPayload:
    api_token: ApiToken | None = None
    token: str | None = strawberry.field(
        default=None, description="The plain token: given by createApiToken once, never again."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)
