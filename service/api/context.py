"""The typed context every resolver gets: built per request, with fresh DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeAlias

import strawberry

from service.api.loaders import Loaders

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from service.settings import Settings
    from service.staff.models import StaffUser


@dataclass
class Context:
    request: Request
    response: Response
    settings: Settings
    loaders: Loaders = field(default_factory=Loaders)
    # One clock per request, so "upcoming" and "open" agree across every field.
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Set by the extension that sees the operation run; only queries may be cached.
    ran_query: bool = False
    # A resolver that answers something not meant for every reader (a draft preview).
    private: bool = False
    # Who the bearer token signs in (view.get_context); None when anonymous or refused.
    staff: StaffUser | None = None
    # An Authorization header came, but named no live session or token: "sign in again".
    auth_error: bool = False
    # The bearer token itself, for `logout`. Kept out of repr: contexts can reach logs.
    token: str | None = field(default=None, repr=False)


Info: TypeAlias = strawberry.Info[Context, None]
