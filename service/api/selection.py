"""What a query asks for below the current field, to load only that."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import OperationDefinitionNode
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

# Strawberry's public `selected_fields` rebuilds the subtree as objects on every call (2.6%
# of a page), so the answer is kept per (operation, field path). The parser cache hands
# back the same operation node for the same query text; the node is kept with its answer
# so an id is never mistaken for another operation's after garbage collection.
_walked: dict[tuple[int, tuple[str, ...]], tuple[OperationDefinitionNode, frozenset[str]]] = {}
_MAX_WALKED = 4096


def _walk(selections: Iterable[Selection], found: set[str]) -> None:
    for selection in selections:
        if isinstance(selection, SelectedField):
            found.add(selection.name)
            _walk(selection.selections, found)
        elif isinstance(selection, InlineFragment | FragmentSpread):
            _walk(selection.selections, found)


def selected_names(info: Any) -> frozenset[str]:
    """Every field name (GraphQL spelling) anywhere under the field being resolved."""
    operation: OperationDefinitionNode = info.operation
    # List indices do not change what is selected; aliases (response names) do.
    key = (id(operation), tuple(k for k in info.path.as_list() if isinstance(k, str)))
    cached = _walked.get(key)
    if cached is not None and cached[0] is operation:
        return cached[1]
    found: set[str] = set()
    for field in info.selected_fields:
        _walk(field.selections, found)
    names = frozenset(found)
    if len(_walked) >= _MAX_WALKED:
        _walked.clear()
    _walked[key] = (operation, names)
    return names
