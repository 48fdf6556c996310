"""Editorial mutations: each a few lines over service.content's actions.

Permissions are declared on the field; finer rules (an author and someone else's
entry) are the domain's, and come back as FORBIDDEN through refusals_as_errors().
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

import strawberry
from tortoise.transactions import in_transaction

from service.api.arguments import int_id, slug_argument
from service.api.content.inputs import (
    CreateEntryInput,
    TopicInput,
    TopicNameInput,
    UpdateEntryInput,
)
from service.api.content.queries import build_entries
from service.api.content.types import EntryBase, Topic, topic_of
from service.api.context import Info
from service.api.errors import ApiError, ErrorCode
from service.api.payloads import UserError, user_errors
from service.api.permissions import IsEditor, IsStaff, current_staff, refusals_as_errors
from service.content import actions, publishing, queries, topics
from service.content.enums import EntryStatus
from service.content.preview import make_preview_token
from service.content.queries import TopicRecord
from service.content.slugs import MAX_TOPIC_SLUG_LENGTH
from service.errors import DomainError, NotFound

if TYPE_CHECKING:
    from service.content.models import Entry
    from service.staff.models import StaffUser

ALL_STATUSES = tuple(EntryStatus)


@strawberry.type
class EntryPayload:
    entry: EntryBase | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TopicPayload:
    topic: Topic | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PreviewTokenPayload:
    token: str | None = strawberry.field(
        default=None, description="Pass it to the public `preview` query; no sign-in needed."
    )
    expires_at: datetime | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def staff_locale(info: Info, staff: StaffUser) -> str:
    settings = info.context.settings
    return staff.locale if staff.locale in settings.locales else settings.default_locale


async def staff_entry(info: Info, entry_id: int, locale: str) -> EntryBase | None:
    """An entry in any status, as staff see it."""
    row = await queries.find_by_id(entry_id, statuses=ALL_STATUSES)
    if row is None:
        return None
    built = await build_entries(info, [row], locale)
    return built[0] if built else None


async def _entry_payload(
    info: Info, action: Callable[[StaffUser], Awaitable[Entry]]
) -> EntryPayload:
    staff = current_staff(info)
    with refusals_as_errors():
        try:
            # The answer is built inside the change's transaction: if building it fails,
            # the client sees an error, so the change must not stay (a retry would
            # make it twice).
            async with in_transaction():
                row = await action(staff)
                entry = await staff_entry(info, row.id, staff_locale(info, staff))
        except DomainError as exc:
            return EntryPayload(errors=user_errors(exc))
    # Committed: hand its outbox events to the workers now, not at the relay cron's tick.
    info.context.services.relay.kick()
    return EntryPayload(entry=entry)


def _names(names: list[TopicNameInput]) -> dict[str, str]:
    return {item.locale: item.name for item in names}


async def _topic_payload(
    info: Info, slug: str, names: list[TopicNameInput], position: int | None
) -> TopicPayload:
    staff = current_staff(info)
    with refusals_as_errors():
        try:
            row = await topics.save_topic(
                slug, _names(names), position=position, actor=staff, settings=info.context.settings
            )
        except DomainError as exc:
            return TopicPayload(errors=user_errors(exc))
    saved = TopicRecord(row.slug, row.position, await topics.topic_names(row.id))
    return TopicPayload(topic=topic_of(saved, staff_locale(info, staff), info.context.settings))


@strawberry.type
class ContentMutation:
    @strawberry.mutation(permission_classes=[IsStaff], description="A new draft.")
    async def create_entry(self, info: Info, input: CreateEntryInput) -> EntryPayload:
        data = input.to_domain()
        settings = info.context.settings
        return await _entry_payload(
            info, lambda staff: actions.create_entry(data, actor=staff, settings=settings)
        )

    @strawberry.mutation(
        permission_classes=[IsStaff],
        description="Change any fields; pass the `updatedAt` you edited to catch a CONFLICT.",
    )
    async def update_entry(
        self,
        info: Info,
        id: strawberry.ID,
        input: UpdateEntryInput,
        expected_updated_at: datetime | None = None,
    ) -> EntryPayload:
        if expected_updated_at is not None and expected_updated_at.utcoffset() is None:
            # A time without an offset names no instant: bad input, not a conflict.
            raise ApiError(
                ErrorCode.BAD_USER_INPUT,
                "expectedUpdatedAt needs a UTC offset, as updatedAt has.",
                field="expectedUpdatedAt",
            )
        patch, settings = input.to_domain(), info.context.settings
        return await _entry_payload(
            info,
            lambda staff: actions.update_entry(
                int_id(id, "entry"),
                patch,
                actor=staff,
                expected_updated_at=expected_updated_at,
                settings=settings,
            ),
        )

    @strawberry.mutation(permission_classes=[IsStaff], description="Hand a draft to editors.")
    async def submit_entry(self, info: Info, id: strawberry.ID) -> EntryPayload:
        return await _entry_payload(
            info, lambda staff: actions.submit_entry(int_id(id, "entry"), actor=staff)
        )

    @strawberry.mutation(permission_classes=[IsEditor])
    async def publish_entry(self, info: Info, id: strawberry.ID) -> EntryPayload:
        return await _entry_payload(
            info, lambda staff: publishing.publish_entry(int_id(id, "entry"), actor=staff)
        )

    @strawberry.mutation(permission_classes=[IsEditor])
    async def schedule_entry(
        self, info: Info, id: strawberry.ID, publish_at: datetime
    ) -> EntryPayload:
        return await _entry_payload(
            info,
            lambda staff: publishing.schedule_entry(int_id(id, "entry"), publish_at, actor=staff),
        )

    @strawberry.mutation(permission_classes=[IsEditor], description="Back to draft.")
    async def unpublish_entry(self, info: Info, id: strawberry.ID) -> EntryPayload:
        return await _entry_payload(
            info, lambda staff: publishing.unpublish_entry(int_id(id, "entry"), actor=staff)
        )

    @strawberry.mutation(permission_classes=[IsEditor])
    async def archive_entry(self, info: Info, id: strawberry.ID) -> EntryPayload:
        return await _entry_payload(
            info, lambda staff: publishing.archive_entry(int_id(id, "entry"), actor=staff)
        )

    @strawberry.mutation(permission_classes=[IsStaff], description="Drafts only.")
    async def delete_entry(self, info: Info, id: strawberry.ID) -> DeletePayload:
        staff = current_staff(info)
        with refusals_as_errors():
            try:
                await actions.delete_entry(int_id(id, "entry"), actor=staff)
            except DomainError as exc:
                return DeletePayload(errors=user_errors(exc))
        return DeletePayload(deleted_id=id)

    @strawberry.mutation(
        permission_classes=[IsStaff],
        description="Bring back a revision's content as a new revision (`id` of the revision).",
    )
    async def restore_revision(self, info: Info, id: strawberry.ID) -> EntryPayload:
        settings = info.context.settings
        return await _entry_payload(
            info,
            lambda staff: actions.restore_revision(
                int_id(id, "revision"), actor=staff, settings=settings
            ),
        )

    @strawberry.mutation(permission_classes=[IsEditor])
    async def create_topic(self, info: Info, input: TopicInput) -> TopicPayload:
        return await _topic_payload(info, input.slug, input.names, input.position)

    @strawberry.mutation(permission_classes=[IsEditor], description="Rename a topic.")
    async def update_topic(
        self,
        info: Info,
        slug: str,
        names: list[TopicNameInput],
        position: int | None = None,
    ) -> TopicPayload:
        slug_argument(slug, field="slug", max_length=MAX_TOPIC_SLUG_LENGTH)
        with refusals_as_errors():
            if not await topics.topic_exists(slug):
                raise NotFound(f"There is no topic {slug!r}.")
        return await _topic_payload(info, slug, names, position)

    @strawberry.mutation(permission_classes=[IsEditor])
    async def delete_topic(self, info: Info, slug: str) -> DeletePayload:
        staff = current_staff(info)
        slug_argument(slug, field="slug", max_length=MAX_TOPIC_SLUG_LENGTH)
        with refusals_as_errors():
            await topics.delete_topic(slug, actor=staff)
        return DeletePayload(deleted_id=strawberry.ID(slug))

    @strawberry.mutation(
        permission_classes=[IsStaff], description="A signed link to render one draft."
    )
    async def create_preview_token(self, info: Info, id: strawberry.ID) -> PreviewTokenPayload:
        with refusals_as_errors():
            entry_id = int_id(id, "entry")
            if await queries.find_by_id(entry_id, statuses=ALL_STATUSES) is None:
                raise NotFound(f"There is no entry {entry_id}.")
        preview = make_preview_token(entry_id, info.context.settings)
        return PreviewTokenPayload(
            token=preview.token,
            expires_at=preview.expires_at.astimezone(info.context.settings.zone),
        )
