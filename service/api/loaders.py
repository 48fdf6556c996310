"""Per-request DataLoaders for what resolvers fetch one object at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from service.staff.models import StaffUser


async def _load_staff(ids: Sequence[int]) -> list[StaffUser | None]:
    found = {user.id: user for user in await StaffUser.filter(id__in=list(ids))}
    return [found.get(staff_id) for staff_id in ids]


@dataclass
class Loaders:
    # Who created or last changed each entry of a staff listing: one statement a page.
    staff: DataLoader[int, StaffUser | None] = field(
        default_factory=lambda: DataLoader(load_fn=_load_staff)
    )
