"""What a query asks for below the current field, to load only that."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
)

# The parser cache hands back the same AST for the same query text, so the walk is done
# once per (field node) and reused; the node is kept with its answer so an id is never
# mistaken for another node's after garbage collection.
_walked: dict[int, tuple[FieldNode, frozenset[str]]] = {}
_MAX_WALKED = 4096


def _walk(
    selections: Iterable[SelectionNode],
    fragments: dict[str, FragmentDefinitionNode],
    found: set[str],
    seen: set[str],
) -> None:
    for selection in selections:
        if isinstance(selection, FieldNode):
            found.add(selection.name.value)
            if selection.selection_set is not None:
                _walk(selection.selection_set.selections, fragments, found, seen)
        elif isinstance(selection, InlineFragmentNode):
            _walk(selection.selection_set.selections, fragments, found, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                seen.add(name)
                _walk(fragment.selection_set.selections, fragments, found, seen)


def selected_names(info: Any) -> frozenset[str]:
    """Every field name (GraphQL spelling) anywhere under the field being resolved."""
    # Strawberry's public selected_fields rebuilds the subtree as objects on every call
    # (2.6% of a page); its Info has no public accessor for the AST nodes themselves.
    node: FieldNode = info._raw_info.field_nodes[0]
    cached = _walked.get(id(node))
    if cached is not None and cached[0] is node:
        return cached[1]
    found: set[str] = set()
    for field_node in info._raw_info.field_nodes:
        if field_node.selection_set is not None:
            _walk(field_node.selection_set.selections, info._raw_info.fragments, found, set())
    names = frozenset(found)
    if len(_walked) >= _MAX_WALKED:
        _walked.clear()
    _walked[id(node)] = (node, names)
    return names
