"""A faster path through graphql-core for plain leaf fields.

Most fields of a page are scalars read straight off an object (`title`, `slug`,
`publishedAt`). graphql-core still builds a resolve-info, calls Strawberry's resolver
chain and dispatches completion for each one: about 45% of a cache-off home-page request
(bench/graphql_read.py, py-spy). For a field Strawberry itself marks as basic (no
resolver, no permissions, no extensions) whose type is a scalar or an enum, this reads the
attribute and coerces it directly. Anything else, and any value that would be an error
(a null in a non-null field, a value the scalar refuses), takes the normal path, so
errors and their paths are exactly graphql-core's.

Neither Strawberry nor graphql-core has a public way to do this, nor to reach the
graphql-core schema behind a Strawberry one, so this module is the one place that uses
their internals (`StrawberryGraphQLCoreExecutionContext`, `GraphQLCoreConverter`'s back
reference, `Schema._schema`). pyproject pins both libraries to the tested minor versions,
and tests/api/test_execution.py fails loudly when either moves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLNonNull, GraphQLObjectType, GraphQLSchema, Undefined, is_leaf_type
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter


@dataclass(frozen=True, slots=True)
class _LeafPlan:
    attribute: str
    coerce: Callable[[Any], Any]
    nullable: bool


# Per (object type, field name); None: no fast path. Keyed by the type itself, which the
# dict keeps alive, so a rebuilt schema can never meet a stale plan.
_plans: dict[tuple[GraphQLObjectType, str], _LeafPlan | None] = {}


def _plan(parent_type: GraphQLObjectType, field_name: str) -> _LeafPlan | None:
    field_def = parent_type.fields.get(field_name)
    if field_def is None:
        return None
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    resolve = field_def.resolve
    if field is None or resolve is None or not getattr(resolve, "_is_default", False):
        return None
    if not getattr(field, "is_basic_field", False) or field_def.args:
        return None
    return_type = field_def.type
    nullable = not isinstance(return_type, GraphQLNonNull)
    leaf = return_type if nullable else return_type.of_type
    if not is_leaf_type(leaf):
        return None
    return _LeafPlan(field.python_name, leaf.coerce_output_value, nullable)


# The versions this module was measured and tested with (tests/api/test_execution.py).
TESTED_VERSIONS = {"strawberry-graphql": "0.341", "graphql-core": "3.3"}


def graphql_core_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema Strawberry built, which validation needs."""
    return schema._schema


class QuietExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, without "Did you mean …" in variable errors when asked."""

    hide_suggestions_always = False

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        if cls.hide_suggestions_always:
            kwargs["hide_suggestions"] = True
        return super().build(*args, **kwargs)


def executor_class(*, fast_leaves: bool, hide_suggestions: bool) -> type[QuietExecutor]:
    base = LeafFastPathExecutor if fast_leaves else QuietExecutor
    return type(base.__name__, (base,), {"hide_suggestions_always": hide_suggestions})


class LeafFastPathExecutor(QuietExecutor):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        if not node.arguments:
            key = (parent_type, node.name.value)
            if key in _plans:
                plan = _plans[key]
            else:
                plan = _plans[key] = _plan(parent_type, node.name.value)
            if plan is not None:
                value = getattr(source, plan.attribute, None)
                if value is None:
                    if plan.nullable:
                        return None
                else:
                    try:
                        coerced = plan.coerce(value)
                    except Exception:  # the normal path reports it, with its path
                        coerced = None
                    if coerced is not None and coerced is not Undefined:
                        return coerced
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
