"""Who does a thing: a signed-in staff member, or the system itself.

Every action names its actor; there is no default. The scheduler, the demo loader and the
command line act as SYSTEM, which may do anything an admin may and is recorded in the
audit log as nobody in particular (a null actor).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, TypeAlias

from service.staff.models import StaffUser


@dataclass(frozen=True)
class System:
    """The process itself, acting on an operator's or a schedule's behalf."""

    name: str = "system"


@dataclass(frozen=True)
class Stranger:
    """Someone not signed in (a failed sign-in): audited, never allowed anything."""


SYSTEM: Final = System()
STRANGER: Final = Stranger()
Actor: TypeAlias = StaffUser | System


def checked(actor: object) -> Actor:
    """The actor, or a TypeError: a forgotten or None actor must never mean "anyone"."""
    if isinstance(actor, StaffUser | System):
        return actor
    raise TypeError(f"An action needs a StaffUser or SYSTEM as its actor, not {actor!r}.")


def staff_of(actor: Actor | Stranger) -> StaffUser | None:
    """The staff member to record as author or auditor; None for the system or a stranger."""
    if isinstance(actor, Stranger):
        return None
    actor = checked(actor)
    return actor if isinstance(actor, StaffUser) else None
