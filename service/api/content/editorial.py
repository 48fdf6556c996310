"""Queries for the newsroom: any entry by id, its revisions, and signed previews."""

from __future__ import annotations

from datetime import datetime

import strawberry

from service.api.arguments import int_id
from service.api.content.mutations import ALL_STATUSES, staff_entry, staff_locale
from service.api.content.queries import build_entries, served_locale
from service.api.content.types import EntryBase, staff_member
from service.api.context import Info
from service.api.errors import ApiError, ErrorCode
from service.api.permissions import IsStaff, current_staff, refusals_as_errors
from service.api.staff.types import Staff
from service.content import queries
from service.content.models import Revision as RevisionRow
from service.content.preview import InvalidPreviewToken, entry_id_for_preview


@strawberry.type(description="A saved state of an entry; `restoreRevision` brings it back.")
class Revision:
    id: strawberry.ID
    number: int
    created_at: datetime
    note: str
    title: str = strawberry.field(description="The title then, in the default locale.")
    created_by_id: strawberry.Private[int | None]

    @strawberry.field
    async def created_by(self, info: Info) -> Staff | None:
        return await staff_member(info, self.created_by_id)


def _revision_of(row: RevisionRow, info: Info) -> Revision:
    settings = info.context.settings
    titles = {tr["locale"]: tr["title"] for tr in row.snapshot.get("translations", [])}
    return Revision(
        id=strawberry.ID(str(row.id)),
        number=row.number,
        created_at=row.created_at.astimezone(settings.zone),
        note=row.note,
        title=titles.get(settings.default_locale) or next(iter(titles.values()), ""),
        created_by_id=row.created_by_id,  # type: ignore[attr-defined]
    )


@strawberry.type
class EditorialQuery:
    @strawberry.field(
        permission_classes=[IsStaff], description="Any entry, whatever its status (staff)."
    )
    async def entry_by_id(
        self, info: Info, id: strawberry.ID, locale: str | None = None
    ) -> EntryBase | None:
        staff = current_staff(info)
        lang = served_locale(info, locale) if locale else staff_locale(info, staff)
        with refusals_as_errors():
            entry_id = int_id(id, "entry")
        return await staff_entry(info, entry_id, lang)

    @strawberry.field(permission_classes=[IsStaff], description="Newest first.")
    async def entry_revisions(self, info: Info, id: strawberry.ID) -> list[Revision]:
        with refusals_as_errors():
            entry_id = int_id(id, "entry")
        rows = await RevisionRow.filter(entry_id=entry_id).order_by("-number")
        return [_revision_of(row, info) for row in rows]

    @strawberry.field(description="A draft opened by a token from `createPreviewToken`.")
    async def preview(self, info: Info, token: str, locale: str | None = None) -> EntryBase | None:
        # Drafts change without bumping the public content version: never cache this answer.
        info.context.private = True
        lang = served_locale(info, locale)
        try:
            entry_id = entry_id_for_preview(token, info.context.settings)
        except InvalidPreviewToken as exc:
            raise ApiError(ErrorCode.FORBIDDEN, str(exc)) from exc
        row = await queries.find_by_id(entry_id, statuses=ALL_STATUSES)
        if row is None:
            return None
        built = await build_entries(info, [row], lang)
        return built[0] if built else None
