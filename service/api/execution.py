"""A faster path through graphql-core for plain leaf fields.

Most fields of a page are scalars read straight off an object (`title`, `slug`,
`publishedAt`). graphql-core still builds a resolve-info, calls Strawberry's resolver
chain and dispatches completion for each one: about 45% of a cache-off home-page request
(bench/graphql_read.py, py-spy). For a field Strawberry itself marks as basic (no
resolver, no permissions, no extensions) whose type is a scalar or an enum, this reads the
attribute and coerces it directly. Anything else, and any value that would be an error
(a null in a non-null field, a value the scalar refuses), takes the normal path, so
errors and their paths are exactly graphql-core's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLNonNull, GraphQLObjectType, Undefined, is_leaf_type
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


class LeafFastPathExecutor(StrawberryGraphQLCoreExecutionContext):
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
