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

from service.api.audience.mutations import AudienceMutation
from service.api.audience.queries import AudienceQuery
from service.api.content.editorial import EditorialQuery
from service.api.content.mutations import ContentMutation
from service.api.content.queries import ContentQuery
from service.api.content.types import Event, NewsArticle, OpenCall
from service.api.digests.mutations import DigestMutation
from service.api.digests.queries import DigestQuery
from service.api.errors import ErrorCode, error_code
from service.api.execution import executor_class, graphql_core_schema
from service.api.extensions import PolicyConfig, RequestPolicy, all_rules
from service.api.feeds.queries import FeedQuery
from service.api.limits import validation_rules
from service.api.staff.mutations import StaffMutation
from service.api.staff.queries import StaffQuery
from service.settings import Settings

log = logging.getLogger("buletin.api")


@strawberry.type
class Query(ContentQuery, EditorialQuery, StaffQuery, FeedQuery, AudienceQuery, DigestQuery):
    pass


@strawberry.type
class Mutation(ContentMutation, StaffMutation, AudienceMutation, DigestMutation):
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
    # validation cache (Strawberry issue #4635, docs/architecture.md §8).
    introspection = settings.introspection
    rules = validation_rules(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        allow_introspection=introspection,
    )
    policy = PolicyConfig(
        rules=all_rules(rules),
        max_tokens=settings.max_tokens,
        hide_suggestions=not introspection,
    )
    extensions: list[Callable[[], SchemaExtension]] = [lambda: RequestPolicy(policy)]
    schema = Schema(
        execution_context_class=executor_class(
            fast_leaves=fast_leaves, hide_suggestions=not introspection
        ),
        query=Query,
        mutation=Mutation,
        types=[NewsArticle, Event, OpenCall],
        extensions=extensions,
    )
    policy.graphql_schema = graphql_core_schema(schema)
    return schema
