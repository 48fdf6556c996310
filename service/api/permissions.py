"""Who may call a field, declared on the field; and domain refusals as top-level errors.

`permission_classes=[IsEditor]` alone is enough: an anonymous caller gets UNAUTHENTICATED,
a signed-in one without the role FORBIDDEN. (A bad or expired token never gets this far:
the view answers the whole request with HTTP 401.) Instances live as long as the schema,
so they keep no per-request state.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from strawberry.permission import BasePermission

from service.api.context import Info
from service.api.errors import ApiError, ErrorCode
from service.errors import Forbidden, NotAuthenticated, NotFound
from service.staff.enums import StaffRole
from service.staff.models import StaffUser
from service.staff.roles import has_role

SIGN_IN_FIRST = "Sign in first: send `Authorization: Bearer <token>` from `login`."
SIGN_IN_AGAIN = "The token is not valid (expired, revoked or unknown): sign in again."


def current_staff(info: Info) -> StaffUser:
    """The signed-in caller, for resolvers behind a permission class (and mypy)."""
    staff = info.context.staff
    if staff is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, SIGN_IN_FIRST)
    return staff


class _HasRole(BasePermission):
    role: StaffRole

    def __init__(self) -> None:
        # What a False from has_permission raises with; anonymous callers never get here.
        self.error_extensions = {"code": ErrorCode.FORBIDDEN.value}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        # Anonymous is a different answer from "not allowed": raise it here, not via False.
        staff = current_staff(info)
        return has_role(staff, self.role)


class IsStaff(_HasRole):
    role = StaffRole.AUTHOR
    message = "Staff only."


class IsEditor(_HasRole):
    role = StaffRole.EDITOR
    message = "This needs an editor or an admin."


class IsAdmin(_HasRole):
    role = StaffRole.ADMIN
    message = "This needs an admin."


@contextmanager
def refusals_as_errors() -> Iterator[None]:
    """Turn the domain's NotAuthenticated / Forbidden / NotFound into coded GraphQL errors.

    Input errors (`DomainError`) pass through: the resolver puts them in its payload.
    """
    try:
        yield
    except NotAuthenticated as exc:
        raise ApiError(ErrorCode.UNAUTHENTICATED, str(exc) or SIGN_IN_FIRST) from exc
    except Forbidden as exc:
        raise ApiError(ErrorCode.FORBIDDEN, str(exc) or "Not allowed.") from exc
    except NotFound as exc:
        raise ApiError(ErrorCode.NOT_FOUND, str(exc) or "Not found.") from exc
