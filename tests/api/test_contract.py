"""The committed GraphQL contract: the SDL matches the code, the operations run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import parse, validate

from service.api.schema import build_schema
from service.content.enums import EntryKind
from service.settings import Settings
from service.staff.enums import StaffRole
from tests.factories import PASSWORD, entry, gql, run_operation, staff, topic

OPERATIONS = sorted((Path(__file__).parents[2] / "graphql" / "operations").glob("*.graphql"))
PUBLIC_OPERATIONS = [p for p in OPERATIONS if not p.stem.startswith("Staff")]


def test_committed_sdl_matches_the_schema(repo_root: Path) -> None:
    committed = (repo_root / "graphql" / "schema.graphql").read_text()
    fresh = build_schema(Settings(debug=True)).as_str()
    assert committed.strip() == fresh.strip(), (
        "graphql/schema.graphql is stale: run `buletin export-schema > graphql/schema.graphql`"
    )


def test_graphql_folder_holds_no_python(repo_root: Path) -> None:
    # A Python package named graphql would shadow graphql-core, which Strawberry imports.
    assert not list((repo_root / "graphql").rglob("*.py"))


@pytest.mark.parametrize("path", OPERATIONS, ids=lambda p: p.stem)
def test_operation_is_valid_against_the_schema(path: Path) -> None:
    schema = build_schema(Settings(debug=True))._schema
    assert validate(schema, parse(path.read_text())) == []


async def test_operations_answer_without_errors(client: httpx.AsyncClient) -> None:
    await topic("youth", "Të rinjtë", "Youth")
    await entry("Lajm", en="News", topics=("youth",))
    await entry("Ngjarje", en="Event", kind=EntryKind.EVENT, topics=("youth",))
    await entry("Thirrje", en="Call", kind=EntryKind.CALL)
    variables: dict[str, dict[str, Any]] = {
        "HomePage": {"locale": "en"},
        "EntryList": {"locale": "sq", "kinds": ["EVENT"], "upcoming": True},
        "EntryPage": {"slug": "ngjarje", "locale": "en"},
        "TopicPage": {"topic": "youth", "locale": "en"},
        "Subscribe": {"email": "reader@example.org", "locales": ["sq", "en"], "kinds": ["EVENT"]},
    }
    assert set(variables) == {p.stem for p in PUBLIC_OPERATIONS}
    for path in PUBLIC_OPERATIONS:
        body = await gql(client, path.read_text(), variables[path.stem])
        assert "errors" not in body, (path.stem, body)
    home = await gql(
        client,
        OPERATIONS[[p.stem for p in OPERATIONS].index("HomePage")].read_text(),
        {"locale": "en"},
    )
    assert [e["node"]["title"] for e in home["data"]["upcoming"]["edges"]] == ["Event"]
    assert [e["node"]["title"] for e in home["data"]["openCalls"]["edges"]] == ["Call"]
    assert [e["node"]["title"] for e in home["data"]["latest"]["edges"]] == ["News"]


async def test_staff_operations_run_as_an_editor(client: httpx.AsyncClient) -> None:
    editor = await staff(StaffRole.EDITOR, email="editor@example.org")
    login = await run_operation(
        client,
        "StaffLogin",
        "StaffLogin",
        {"email": editor.email, "password": PASSWORD},
    )
    token = login["login"]["token"]
    created = await run_operation(
        client,
        "StaffEditEntry",
        "StaffCreateEntry",
        {"input": {"kind": "NEWS", "translations": [{"locale": "sq", "title": "Lajm"}]}},
        token,
    )
    entry = created["createEntry"]["entry"]
    loaded = await run_operation(client, "StaffEditEntry", "StaffEntry", {"id": entry["id"]}, token)
    assert loaded["entryById"]["status"] == "DRAFT"
    saved = await run_operation(
        client,
        "StaffEditEntry",
        "StaffSaveEntry",
        {
            "id": entry["id"],
            "input": {"translations": [{"locale": "sq", "title": "Lajm i ri"}]},
            "expectedUpdatedAt": loaded["entryById"]["updatedAt"],
        },
        token,
    )
    assert saved["updateEntry"]["errors"] == []
    desk = await run_operation(client, "StaffDesk", "StaffDesk", {}, token)
    assert [e["node"]["title"] for e in desk["drafts"]["edges"]] == ["Lajm i ri"]
    published = await run_operation(
        client, "StaffEditEntry", "StaffPublishEntry", {"id": entry["id"]}, token
    )
    assert published["publishEntry"]["entry"]["status"] == "PUBLISHED"
