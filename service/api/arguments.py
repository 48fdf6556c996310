"""Arguments checked at the edge, before any reaches the database.

PostgreSQL refuses a NUL character in text and an integer past int32 for our id
columns, and Tortoise refuses a value longer than its column: each of those used to
surface as an anonymous INTERNAL error with a traceback. They are the caller's
mistakes, so they get BAD_USER_INPUT here, and one log line at most.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import DocumentNode, StringValueNode, visit
from graphql.language import Visitor
from strawberry.types import ExecutionContext

from service.api.errors import ApiError, ErrorCode
from service.errors import NotFound

log = logging.getLogger("buletin.api")

# Our ids are PostgreSQL `integer` columns.
MAX_ID = 2**31 - 1
# Column sizes (service/content/models.py): a longer slug can name nothing.
MAX_ENTRY_SLUG = 200


def refused(message: str, *, field: str | None = None, reason: str) -> ApiError:
    """A BAD_USER_INPUT error, logged as one line: the caller's mistake, not ours."""
    log.info("graphql.refused reason=%s field=%s", reason, field)
    details: dict[str, object] = {"field": field} if field is not None else {}
    return ApiError(ErrorCode.BAD_USER_INPUT, message, **details)


def int_id(value: strawberry.ID, what: str) -> int:
    """Our ids are integers; anything else names nothing that exists."""
    try:
        number = int(value)
    except ValueError:
        raise NotFound(f"No {what} {value!r}.") from None
    if not -MAX_ID - 1 <= number <= MAX_ID:
        raise refused(f"No {what} id is that large.", field="id", reason="id_out_of_range")
    return number


def slug_argument(value: str, *, field: str, max_length: int) -> str:
    if len(value) > max_length:
        raise refused(
            f"A slug has at most {max_length} characters.", field=field, reason="slug_too_long"
        )
    return value


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, without recursion: variables may nest deeply."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class _NulLiterals(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
        if "\x00" in node.value:
            self.found = True
            return self.BREAK
        return None


def _has_nul_literal(query: str, document: DocumentNode) -> bool:
    # A NUL can only be written as an escape: skip the walk for the usual document.
    if "\\u" not in query:
        return False
    finder = _NulLiterals()
    visit(document, finder)
    return finder.found


def refuse_nul_characters(context: ExecutionContext) -> None:
    """No string with a NUL reaches a resolver, from a variable or a literal."""
    in_variables = any("\x00" in s for s in _strings(context.variables))
    document = context.graphql_document
    if in_variables or (document is not None and _has_nul_literal(context.query or "", document)):
        raise refused("Text must not contain the NUL character (\\u0000).", reason="nul")
