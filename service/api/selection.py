"""What a query asks for below the current field, to load only that."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def _walk(selections: Iterable[Selection], found: set[str]) -> None:
    for selection in selections:
        if isinstance(selection, SelectedField):
            found.add(selection.name)
            _walk(selection.selections, found)
        elif isinstance(selection, FragmentSpread | InlineFragment):
            _walk(selection.selections, found)


def selected_names(info: Any) -> set[str]:
    """Every field name anywhere under the field being resolved (fragments included)."""
    found: set[str] = set()
    for field in info.selected_fields:
        _walk(field.selections, found)
    return found
