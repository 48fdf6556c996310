"""Writing and reading the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from service.audit.models import AuditEvent
from service.staff.actors import staff_of

if TYPE_CHECKING:
    from service.staff.actors import Actor, Stranger


async def record(
    actor: Actor | Stranger,
    action: str,
    *,
    entry_id: int | None = None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Call inside the transaction of the change, so the log never claims what did not happen."""
    return await AuditEvent.create(
        actor=staff_of(actor),
        action=action,
        entry_id=entry_id,
        target=target,
        details=details or {},
    )


async def page(*, first: int, after_id: int | None = None) -> tuple[list[AuditEvent], bool]:
    """Newest first, keyset-paged on id; `True` when there is more."""
    query = AuditEvent.all().select_related("actor")
    if after_id is not None:
        query = query.filter(id__lt=after_id)
    rows = await query.order_by("-id").limit(first + 1)
    return rows[:first], len(rows) > first
