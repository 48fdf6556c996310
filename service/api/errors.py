"""Top-level GraphQL errors, each with a stable `extensions.code`."""

from __future__ import annotations

from enum import Enum
from typing import Any

from graphql import GraphQLError
from strawberry.exceptions import StrawberryGraphQLError

from service.errors import DomainError


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
    # Automatic persisted queries (Apollo's protocol): the client resends with the text.
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    # TRUSTED_DOCUMENTS_ONLY: the document is not one of graphql/operations/.
    DOCUMENT_NOT_TRUSTED = "DOCUMENT_NOT_TRUSTED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class ApiError(GraphQLError):
    def __init__(self, code: ErrorCode, message: str, **details: object) -> None:
        super().__init__(message, extensions={"code": code.value, **details})


def bad_input(exc: DomainError) -> ApiError:
    """A domain refusal raised by a query (mutations put these in payload `errors` instead)."""
    first = exc.errors[0]
    return ApiError(
        ErrorCode.BAD_USER_INPUT,
        str(exc),
        reason=first.code.value,
        field=first.field,
    )


def error_code(error: GraphQLError) -> ErrorCode | str:
    """The code of an error that did not bring its own: where it came from says what it is.

    Parsing and validation errors get their codes where they are made (extensions.py), so
    nothing here reads graphql-core's wording. What is left before execution (no path) is
    graphql-core coercing the variables; with a path, a resolver failed.
    """
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError | StrawberryGraphQLError):
        return ErrorCode.INTERNAL_SERVER_ERROR
    if error.path is None:
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.INTERNAL_SERVER_ERROR


def format_error(error: GraphQLError, *, reveal: bool) -> dict[str, Any]:
    """The error as JSON; `reveal` shows our own failures' messages (debug, signed-in staff)."""
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    if "code" not in extensions:
        code = error_code(error)
        extensions["code"] = code.value if isinstance(code, ErrorCode) else code
        if code is ErrorCode.INTERNAL_SERVER_ERROR and not reveal:
            # Never leak internals (messages can hold paths, SQL); the log has the traceback.
            formatted["message"] = "Internal server error."
    formatted["extensions"] = extensions
    return formatted
