"""Who may change which entry. Checked in the domain, so the API and the CLI cannot differ."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.content.enums import EntryStatus
from service.errors import Forbidden
from service.staff.actors import Actor, System
from service.staff.enums import StaffRole
from service.staff.roles import actor_has_role

if TYPE_CHECKING:
    from service.content.models import Entry


def is_editor(actor: Actor) -> bool:
    return actor_has_role(actor, StaffRole.EDITOR)


def require_editor(actor: Actor, doing: str) -> None:
    if not is_editor(actor):
        raise Forbidden(f"Only editors and admins may {doing}.")


def require_can_edit(actor: Actor, entry: Entry) -> None:
    """Editors edit anything; authors only their own drafts."""
    if is_editor(actor):
        return
    assert not isinstance(actor, System)  # is_editor(SYSTEM) is True
    if entry.created_by_id != actor.id:  # type: ignore[attr-defined]
        raise Forbidden("Authors may only change their own entries.")
    if entry.status is not EntryStatus.DRAFT:
        raise Forbidden("Authors may only change drafts; ask an editor.")
