"""One Strawberry extension for every request's policy: limits, caches, cacheability.

The same work as MaxTokensLimiter + AddValidationRules + ParserCache + ValidationCache and
a query marker, in one extension: Strawberry wraps every hook of every extension in a new
context manager per request, and five extensions cost about 5% of a page (py-spy).
The validation rules are built once per schema, so the validation cache keeps hitting
(Strawberry issue #4635, docs/architecture.md §8).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from graphql import ASTValidationRule
from graphql.language.parser import parse
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

CACHE_SIZE = 512
_parse: Callable[..., Any] = lru_cache(maxsize=CACHE_SIZE)(parse)


@lru_cache(maxsize=1)
def _validate() -> Callable[..., Any]:
    # Imported late, as Strawberry's ValidationCache does: strawberry.schema imports us.
    from strawberry.schema.schema import validate_document

    return lru_cache(maxsize=CACHE_SIZE)(validate_document)


class RequestPolicy(SchemaExtension):
    def __init__(self, *, rules: Sequence[type[ASTValidationRule]], max_tokens: int) -> None:
        super().__init__()
        self.rules = tuple(rules)
        self.max_tokens = max_tokens

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        context.validation_rules = (*context.validation_rules, *self.rules)
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.graphql_document = _parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.pre_execution_errors = _validate()(
            context.schema._schema, context.graphql_document, context.validation_rules
        )
        yield

    def on_execute(self) -> Iterator[None]:
        # Only answers to queries may be cached; the view reads this flag.
        context = self.execution_context
        if context.operation_type is OperationType.QUERY:
            context.context.ran_query = True
        yield
