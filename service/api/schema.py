"""The GraphQL schema: root types merged from the domains, with limits and caches."""

from __future__ import annotations

import logging
from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    SchemaExtension,
)
from strawberry.types import ExecutionContext

from service.api.content.editorial import EditorialQuery
from service.api.content.mutations import ContentMutation
from service.api.content.queries import ContentQuery
from service.api.content.types import Event, NewsArticle, OpenCall
from service.api.digests.mutations import DigestMutation
from service.api.digests.queries import DigestQuery
from service.api.errors import ErrorCode, error_code
from service.api.execution import LeafFastPathExecutor
from service.api.extensions import RequestPolicy
from service.api.limits import validation_rules
from service.api.staff.mutations import StaffMutation
from service.api.staff.queries import StaffQuery
from service.settings import Settings

log = logging.getLogger("buletin.api")


@strawberry.type
class Query(ContentQuery, EditorialQuery, StaffQuery, DigestQuery):
    pass


@strawberry.type
class Mutation(ContentMutation, StaffMutation, DigestMutation):
    pass


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Refused queries are the client's business; only our own failures deserve a traceback.
        for error in errors:
            if error_code(error) is ErrorCode.INTERNAL_SERVER_ERROR and not (
                error.extensions or {}
            ):
                log.error(
                    "graphql.internal_error path=%s", error.path, exc_info=error.original_error
                )


def build_schema(settings: Settings, *, fast_leaves: bool = True) -> strawberry.Schema:
    # Built once per schema, not per request: fresh rule classes would defeat the
    # validation cache (Strawberry issue #4635, DESIGN §8).
    rules = validation_rules(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        allow_introspection=settings.debug,
    )
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: RequestPolicy(rules=rules, max_tokens=settings.max_tokens),
    ]
    return Schema(
        execution_context_class=LeafFastPathExecutor if fast_leaves else None,
        query=Query,
        mutation=Mutation,
        types=[NewsArticle, Event, OpenCall],
        extensions=extensions,
    )
