"""Staff mutations: a few lines each around service.staff.actions."""

from __future__ import annotations

import strawberry

from service.api.arguments import int_id
from service.api.context import Info
from service.api.payloads import user_errors
from service.api.permissions import IsAdmin, IsStaff, current_staff, refusals_as_errors
from service.api.staff.types import ApiToken, ApiTokenPayload, LoginPayload, Staff, StaffPayload
from service.content.enums import EntryKind
from service.errors import DomainError
from service.staff import actions
from service.staff.enums import StaffRole


@strawberry.input
class UpdateMeInput:
    name: str | None = None
    locale: str | None = strawberry.field(default=None, description="One of `locales`.")
    notify_on: list[EntryKind] | None = strawberry.field(
        default=None,
        description="Kinds whose first publication emails you (EVENT, CALL); [] for none.",
    )


@strawberry.input
class CreateStaffInput:
    email: str
    name: str
    role: StaffRole
    password: str = strawberry.field(description="At least 12 characters (MIN_PASSWORD_LENGTH).")
    locale: str | None = strawberry.field(default=None, description="Default: DEFAULT_LOCALE.")


@strawberry.input
class UpdateStaffInput:
    role: StaffRole | None = None
    is_active: bool | None = strawberry.field(
        default=None, description="false signs the account out everywhere and keeps it out."
    )
    name: str | None = None


def client_address(info: Info) -> str:
    """Where the request came from, as the password throttle counts it."""
    client = info.context.request.client
    return client.host if client is not None else "unknown"


@strawberry.type
class StaffMutation:
    @strawberry.mutation(description="Sign in; the token goes in `Authorization: Bearer …`.")
    async def login(self, info: Info, email: str, password: str) -> LoginPayload:
        settings = info.context.settings
        throttle = info.context.services.login_throttle
        try:
            result = await actions.login(
                email, password, address=client_address(info), throttle=throttle, settings=settings
            )
        except DomainError as exc:
            return LoginPayload(errors=user_errors(exc))
        return LoginPayload(
            token=result.token,
            expires_at=result.expires_at.astimezone(settings.zone),
            staff=Staff.of(result.staff, settings.zone),
        )

    @strawberry.mutation(
        description="End the session of this request's token; false for an API token.",
        permission_classes=[IsStaff],
    )
    async def logout(self, info: Info) -> bool:
        token = info.context.token
        return await actions.logout(token) if token is not None else False

    @strawberry.mutation(description="Change your own profile.", permission_classes=[IsStaff])
    async def update_me(self, info: Info, input: UpdateMeInput) -> StaffPayload:
        settings = info.context.settings
        with refusals_as_errors():
            try:
                staff = await actions.update_me(
                    current_staff(info),
                    name=input.name,
                    locale=input.locale,
                    notify_on=input.notify_on,
                    settings=settings,
                )
            except DomainError as exc:
                return StaffPayload(errors=user_errors(exc))
        return StaffPayload(staff=Staff.of(staff, settings.zone))

    @strawberry.mutation(
        description="Change your own password; your other sessions end, this one stays.",
        permission_classes=[IsStaff],
    )
    async def change_password(
        self, info: Info, current_password: str, new_password: str
    ) -> StaffPayload:
        settings = info.context.settings
        with refusals_as_errors():
            try:
                staff = await actions.change_password(
                    current_staff(info),
                    current_password,
                    new_password,
                    session_token=info.context.token,
                    address=client_address(info),
                    throttle=info.context.services.login_throttle,
                    settings=settings,
                )
            except DomainError as exc:
                return StaffPayload(errors=user_errors(exc))
        return StaffPayload(staff=Staff.of(staff, settings.zone))

    @strawberry.mutation(
        description="Set someone's password; all their sessions end (admins).",
        permission_classes=[IsAdmin],
    )
    async def set_staff_password(
        self, info: Info, id: strawberry.ID, password: str
    ) -> StaffPayload:
        settings = info.context.settings
        with refusals_as_errors():
            try:
                staff = await actions.set_staff_password(
                    current_staff(info), int_id(id, "staff member"), password, settings=settings
                )
            except DomainError as exc:
                return StaffPayload(errors=user_errors(exc))
        return StaffPayload(staff=Staff.of(staff, settings.zone))

    @strawberry.mutation(description="A new staff account (admins).", permission_classes=[IsAdmin])
    async def create_staff(self, info: Info, input: CreateStaffInput) -> StaffPayload:
        settings = info.context.settings
        with refusals_as_errors():
            try:
                staff = await actions.create_staff(
                    input.email,
                    input.name,
                    input.role,
                    input.password,
                    locale=input.locale,
                    actor=current_staff(info),
                    settings=settings,
                )
            except DomainError as exc:
                return StaffPayload(errors=user_errors(exc))
        return StaffPayload(staff=Staff.of(staff, settings.zone))

    @strawberry.mutation(
        description="Change someone's role, name or active flag (admins).",
        permission_classes=[IsAdmin],
    )
    async def update_staff(
        self, info: Info, id: strawberry.ID, input: UpdateStaffInput
    ) -> StaffPayload:
        with refusals_as_errors():
            try:
                staff = await actions.update_staff(
                    current_staff(info),
                    int_id(id, "staff member"),
                    role=input.role,
                    is_active=input.is_active,
                    name=input.name,
                )
            except DomainError as exc:
                return StaffPayload(errors=user_errors(exc))
        return StaffPayload(staff=Staff.of(staff, info.context.settings.zone))

    @strawberry.mutation(
        description="A named API token acting as `staffId` (default: you); shown once (admins).",
        permission_classes=[IsAdmin],
    )
    async def create_api_token(
        self, info: Info, name: str, staff_id: strawberry.ID | None = None
    ) -> ApiTokenPayload:
        with refusals_as_errors():
            try:
                plain, row = await actions.create_api_token(
                    current_staff(info),
                    name,
                    owner_id=int_id(staff_id, "staff member") if staff_id is not None else None,
                )
            except DomainError as exc:
                return ApiTokenPayload(errors=user_errors(exc))
        owner = await row.staff
        return ApiTokenPayload(
            api_token=ApiToken.of(row, owner, info.context.settings.zone), token=plain
        )

    @strawberry.mutation(
        description="Stop an API token working (admins).", permission_classes=[IsAdmin]
    )
    async def revoke_api_token(self, info: Info, id: strawberry.ID) -> ApiTokenPayload:
        with refusals_as_errors():
            try:
                row = await actions.revoke_api_token(current_staff(info), int_id(id, "API token"))
            except DomainError as exc:
                return ApiTokenPayload(errors=user_errors(exc))
        owner = await row.staff
        return ApiTokenPayload(api_token=ApiToken.of(row, owner, info.context.settings.zone))
