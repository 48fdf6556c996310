"""One Strawberry extension for every request's policy: limits, caches, cacheability.

The same work as MaxTokensLimiter + AddValidationRules + ParserCache + ValidationCache, a
query marker and the NUL refusal (arguments.py), in one extension: Strawberry wraps every
hook of every extension in a new context manager per request, and five extensions cost
about 5% of a page (py-spy).
The validation rules are built once per schema, so the validation cache keeps hitting
(Strawberry issue #4635, docs/architecture.md §8). Every error made here carries its code, so
nothing downstream has to read graphql-core's wording to tell what went wrong.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    Lexer,
    OperationDefinitionNode,
    Source,
    TokenKind,
    parse,
    specified_rules,
    validate,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types.graphql import OperationType

from service.api.arguments import refuse_nul_characters
from service.api.errors import ErrorCode

CACHE_SIZE = 512


class _ParseFailed(Exception):
    """Parse errors are cached too (as this), so a repeated bad query costs a lookup."""

    def __init__(self, error: GraphQLError) -> None:
        self.error = error


def _coded(error: GraphQLError, code: ErrorCode) -> GraphQLError:
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": code.value}
    return error


def _over_token_limit(query: str, max_tokens: int) -> bool:
    """Whether the text has more than max_tokens tokens; lexing stops just past the limit."""
    lexer = Lexer(Source(query))
    try:
        for _ in range(max_tokens + 1):
            if lexer.advance().kind is TokenKind.EOF:
                return False
    except GraphQLError:
        return False  # a lexing error: a plain parse failure
    return True


@lru_cache(maxsize=CACHE_SIZE)
def _parse(query: str, max_tokens: int) -> DocumentNode | _ParseFailed:
    try:
        return parse(query, max_tokens=max_tokens)
    except GraphQLError as error:
        code = (
            ErrorCode.TOO_MANY_TOKENS
            if _over_token_limit(query, max_tokens)
            else ErrorCode.GRAPHQL_PARSE_FAILED
        )
        return _ParseFailed(_coded(error, code))


@dataclass
class PolicyConfig:
    """What every request's policy needs, fixed when the schema is built."""

    rules: tuple[type[ASTValidationRule], ...]
    max_tokens: int
    # Outside introspection, "Did you mean …" would reveal field and type names.
    hide_suggestions: bool
    # Set right after the schema is built (Strawberry builds it from the extensions).
    graphql_schema: GraphQLSchema | None = None
    _validated: dict[int, tuple[DocumentNode, tuple[GraphQLError, ...]]] = field(
        default_factory=dict, repr=False
    )

    def validate(self, document: DocumentNode) -> list[GraphQLError]:
        # The parser cache hands back the same document object for the same text, so its id
        # is the key: nodes are frozen dataclasses, and hashing one walks the whole tree. The
        # document is kept with its answer so an id is never mistaken for another's.
        cached = self._validated.get(id(document))
        if cached is not None and cached[0] is document:
            found = cached[1]
        else:
            if self.graphql_schema is None:
                raise RuntimeError("PolicyConfig.graphql_schema was never set")
            errors = validate(
                self.graphql_schema,
                document,
                self.rules,
                hide_suggestions=self.hide_suggestions,
            )
            found = tuple(_coded(e, ErrorCode.GRAPHQL_VALIDATION_FAILED) for e in errors)
            if len(self._validated) >= CACHE_SIZE:
                self._validated.clear()
            self._validated[id(document)] = (document, found)
        return list(found)


def all_rules(rules: Sequence[type[ASTValidationRule]]) -> tuple[type[ASTValidationRule], ...]:
    # The specified rules plus Strawberry's own two, as Strawberry's validation runs them.
    return (*specified_rules, *rules, MaybeNullValidationRule, OneOfInputValidationRule)


def _operation_count(document: DocumentNode) -> int:
    return sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)


class RequestPolicy(SchemaExtension):
    def __init__(self, config: PolicyConfig) -> None:
        super().__init__()
        self.config = config

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None:
            parsed = _parse(context.query, self.config.max_tokens)
            if isinstance(parsed, _ParseFailed):
                raise parsed.error
            context.graphql_document = parsed
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            errors = self.config.validate(document)
            if not errors and _operation_count(document) > 1 and not context.context.operation_name:
                # Strawberry would run the first one; GraphQL-over-HTTP says refuse.
                errors = [
                    GraphQLError(
                        "The document has several operations: say which in `operationName`.",
                        extensions={"code": ErrorCode.BAD_REQUEST.value},
                    )
                ]
            context.pre_execution_errors = errors
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        refuse_nul_characters(context)
        # Only answers to queries may be cached; the view reads this flag.
        if context.operation_type is OperationType.QUERY:
            context.context.ran_query = True
        elif context.operation_type is OperationType.MUTATION:
            context.context.ran_mutation = True
        yield
