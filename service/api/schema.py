"""The GraphQL schema: root types merged from the domains, with limits and caches."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from service.api.content.editorial import EditorialQuery
from service.api.content.mutations import ContentMutation
from service.api.content.queries import ContentQuery
from service.api.content.types import Event, NewsArticle, OpenCall
from service.api.errors import ErrorCode, error_code
from service.api.limits import validation_rules
from service.api.staff.mutations import StaffMutation
from service.api.staff.queries import StaffQuery
from service.settings import Settings

PARSE_CACHE_SIZE = 512
log = logging.getLogger("buletin.api")


@strawberry.type
class Query(ContentQuery, EditorialQuery, StaffQuery):
    pass


@strawberry.type
class Mutation(ContentMutation, StaffMutation):
    pass


class MarkQueries(SchemaExtension):
    """Tell the view an operation ran as a query: only those answers may be cached."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.operation_type is OperationType.QUERY:
            ctx.context.ran_query = True
        yield


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


def build_schema(settings: Settings) -> strawberry.Schema:
    # Built once per schema, not per request: fresh rule classes would defeat ValidationCache
    # (Strawberry issue #4635, DESIGN §8).
    rules = validation_rules(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        allow_introspection=settings.debug,
    )
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: AddValidationRules(rules),
        lambda: ParserCache(maxsize=PARSE_CACHE_SIZE),
        lambda: ValidationCache(maxsize=PARSE_CACHE_SIZE),
        MarkQueries,
    ]
    return Schema(
        query=Query, mutation=Mutation, types=[NewsArticle, Event, OpenCall], extensions=extensions
    )
