"""The typed context every resolver gets: built per request, with fresh DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeAlias

import strawberry

from service.api.loaders import Loaders

if TYPE_CHECKING:
    from starlette.requests import Request

    from service.audience.throttle import SignUpThrottle
    from service.outbox.relay import OutboxRelay
    from service.settings import Settings
    from service.staff.models import StaffUser
    from service.staff.throttle import LoginThrottle


@dataclass(frozen=True)
class Services:
    """What resolvers use beyond the database, made once per process in the app's lifespan."""

    # Hands committed outbox events to the workers right away.
    relay: OutboxRelay
    # Counts failed sign-ins in Redis, shared by every process.
    login_throttle: LoginThrottle
    # Counts newsletter sign-ups per address and per client, likewise shared.
    signup_throttle: SignUpThrottle


@dataclass
class Context:
    request: Request
    settings: Settings
    services: Services
    loaders: Loaders = field(default_factory=Loaders)
    # One clock per request, so "upcoming" and "open" agree across every field.
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The operationName the request gave; a document of several operations needs one.
    operation_name: str | None = None
    # Set by the extension that sees the operation run; only queries may be cached.
    ran_query: bool = False
    # Set likewise for mutations: the view then reads the content version at once.
    ran_mutation: bool = False
    # A resolver that answers something not meant for every reader (a draft preview).
    private: bool = False
    # Who the bearer token signs in (the view refuses a request whose token is not valid).
    staff: StaffUser | None = None
    # The bearer token itself, for `logout`. Kept out of repr: contexts can reach logs.
    token: str | None = field(default=None, repr=False)


Info: TypeAlias = strawberry.Info[Context, None]
