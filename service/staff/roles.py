"""Who may do what: the role order, checked by the domain actions and the API alike."""

from __future__ import annotations

from service.errors import Forbidden, NotAuthenticated
from service.staff.actors import Actor, System, checked
from service.staff.enums import StaffRole
from service.staff.models import StaffUser

# Each role may do everything the roles below it may.
ROLE_RANK = {StaffRole.AUTHOR: 1, StaffRole.EDITOR: 2, StaffRole.ADMIN: 3}


def has_role(staff: StaffUser, role: StaffRole) -> bool:
    """`staff` is active and holds `role` or a higher one."""
    return staff.is_active and ROLE_RANK[staff.role] >= ROLE_RANK[role]


def require_role(actor: StaffUser | None, role: StaffRole) -> StaffUser:
    """The actor, if signed in with `role` or above; otherwise the refusal the API maps."""
    if actor is None or not actor.is_active:
        raise NotAuthenticated("Sign in first.")
    if not has_role(actor, role):
        raise Forbidden(f"This needs the {role.value} role or a higher one.")
    return actor


def actor_has_role(actor: Actor, role: StaffRole) -> bool:
    """SYSTEM may do anything an admin may; staff need `role` (see has_role)."""
    member = checked(actor)
    return isinstance(member, System) or has_role(member, role)


def require_actor_role(actor: Actor, role: StaffRole) -> Actor:
    """The actor, if SYSTEM or staff with `role` or above; staff are refused as require_role
    refuses them, and a missing actor is a TypeError (checked), never "anyone"."""
    member = checked(actor)
    if isinstance(member, StaffUser):
        require_role(member, role)
    return member
