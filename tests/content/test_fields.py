"""One list of an entry's fields: everything that reads or writes them follows EntryFields."""

from __future__ import annotations

from dataclasses import fields

import pytest

from service.api.content.inputs import CreateEntryInput, UpdateEntryInput
from service.content.inputs import SCALAR_FIELDS, TIME_FIELDS, EntryPatch
from service.content.models import Entry
from service.content.queries import ENTRY_COLUMNS


def test_the_field_list_reaches_the_model_the_read_path_and_both_api_inputs() -> None:
    described = Entry.describe(serializable=True)["data_fields"]
    model_fields = {field["name"] for field in described}
    assert set(SCALAR_FIELDS) <= model_fields
    assert set(SCALAR_FIELDS) <= set(ENTRY_COLUMNS)
    for api_input in (CreateEntryInput, UpdateEntryInput):
        assert set(SCALAR_FIELDS) <= {f.name for f in fields(api_input)}
    assert set(TIME_FIELDS) == {"starts_at", "ends_at", "opens_at", "deadline"}


def test_a_patch_takes_only_entry_fields_and_keeps_what_it_was_not_given() -> None:
    patch = EntryPatch(venue="Tiranë", deadline=None)
    assert dict(patch.changes) == {"venue": "Tiranë", "deadline": None}
    with pytest.raises(TypeError):
        EntryPatch(title="not an entry field")
