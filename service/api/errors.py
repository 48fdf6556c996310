"""Top-level GraphQL errors, each with a stable `extensions.code`."""

from __future__ import annotations

from enum import Enum
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.exceptions import StrawberryGraphQLError

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


def error_code(error: GraphQLError) -> ErrorCode | str:
    """The code of an error that did not bring its own: where it came from says what it is."""
    if isinstance(error, GraphQLSyntaxError):
        if "tokens" in error.message:
            return ErrorCode.TOO_MANY_TOKENS
        return ErrorCode.GRAPHQL_PARSE_FAILED
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError | StrawberryGraphQLError):
        return ErrorCode.INTERNAL_SERVER_ERROR
    if error.path is None:
        # Before execution: either the variables do not fit, or the document does not.
        if error.message.startswith("Variable '$"):
            return ErrorCode.BAD_USER_INPUT
        return ErrorCode.GRAPHQL_VALIDATION_FAILED
    return ErrorCode.INTERNAL_SERVER_ERROR


def format_error(error: GraphQLError, *, debug: bool) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    if "code" not in extensions:
        code = error_code(error)
        extensions["code"] = code.value if isinstance(code, ErrorCode) else code
        if code is ErrorCode.INTERNAL_SERVER_ERROR and not debug:
            # Never leak internals to the public; the log has the traceback.
            formatted["message"] = "Internal server error."
    formatted["extensions"] = extensions
    return formatted
