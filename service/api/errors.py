"""Top-level GraphQL errors, each with a stable `extensions.code`."""

from __future__ import annotations

from enum import Enum

from graphql import GraphQLError

from service.content.errors import ContentError


class ErrorCode(str, Enum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
    INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    BAD_REQUEST = "BAD_REQUEST"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class ApiError(GraphQLError):
    def __init__(self, code: ErrorCode, message: str, **details: object) -> None:
        super().__init__(message, extensions={"code": code.value, **details})


def bad_input(exc: ContentError) -> ApiError:
    """A domain refusal raised by a query (mutations put these in payload `errors` instead)."""
    first = exc.errors[0]
    return ApiError(
        ErrorCode.BAD_USER_INPUT,
        str(exc),
        reason=first.code.value,
        field=first.field,
    )
