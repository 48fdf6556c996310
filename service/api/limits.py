"""Abuse limits as validation rules, built once so Strawberry's ValidationCache keeps hitting.

Strawberry's QueryDepthLimiter skips introspection fields, so a cyclic
`__schema { types { fields { type { fields …` passes it and its answer grows
combinatorially (docs/architecture.md §8). This depth rule counts every field; unless
GRAPHQL_INTROSPECTION (or DEBUG) turns it on, introspection is refused outright, since
frontends use the committed SDL.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from graphql.validation import NoSchemaIntrospectionCustomRule

from service.api.errors import ErrorCode


def _selection_depth(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    limit: int,
    skip_introspection: bool,
    seen: frozenset[str] = frozenset(),
) -> int:
    """Depth of the deepest field below `selection_set`, stopping once past `limit`."""
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if skip_introspection and selection.name.value.startswith("__"):
                continue
            depth = 1 + (
                _selection_depth(
                    selection.selection_set, fragments, limit - 1, skip_introspection, seen
                )
                if limit > 0
                else 0
            )
        elif isinstance(selection, InlineFragmentNode):
            depth = _selection_depth(
                selection.selection_set, fragments, limit, skip_introspection, seen
            )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in seen:
                continue  # unknown or cyclic fragments are reported by the standard rules
            depth = _selection_depth(
                fragment.selection_set, fragments, limit, skip_introspection, seen | {name}
            )
        else:  # pragma: no cover - graphql-core has no other selection kinds
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            break
    return deepest


def depth_rule(max_depth: int, *, skip_introspection: bool) -> type[ValidationRule]:
    class QueryDepthRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self._fragments = {
                d.name.value: d
                for d in context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            depth = _selection_depth(
                node.selection_set, self._fragments, max_depth, skip_introspection
            )
            if depth > max_depth:
                self.report_error(
                    GraphQLError(
                        f"The query is deeper than the {max_depth} levels allowed.",
                        node,
                        extensions={"code": ErrorCode.QUERY_TOO_DEEP.value},
                    )
                )

    return QueryDepthRule


def alias_rule(max_aliases: int) -> type[ValidationRule]:
    class AliasLimitRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self._count = 0

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if node.alias is not None:
                self._count += 1

        def leave_document(self, node: Any, *_: Any) -> None:
            if self._count > max_aliases:
                self.report_error(
                    GraphQLError(
                        f"The query uses {self._count} aliases; at most {max_aliases} are allowed.",
                        extensions={"code": ErrorCode.TOO_MANY_ALIASES.value},
                    )
                )

    return AliasLimitRule


class NoIntrospectionRule(NoSchemaIntrospectionCustomRule):
    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {
            **(error.extensions or {}),
            "code": ErrorCode.INTROSPECTION_DISABLED.value,
        }
        super().report_error(error)


def validation_rules(
    *, max_depth: int, max_aliases: int, allow_introspection: bool
) -> list[type[ASTValidationRule]]:
    # With introspection on (GRAPHQL_INTROSPECTION, DEBUG), GraphiQL's and codegen tools'
    # schema query must still pass the depth rule.
    rules: list[type[ASTValidationRule]] = [
        depth_rule(max_depth, skip_introspection=allow_introspection),
        alias_rule(max_aliases),
    ]
    if not allow_introspection:
        rules.append(NoIntrospectionRule)
    return rules
