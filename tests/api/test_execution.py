"""The leaf fast path answers exactly what graphql-core's own path answers."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request

from service.api.context import Context
from service.api.execution import TESTED_VERSIONS
from service.api.schema import build_schema
from service.content.enums import EntryKind
from service.settings import Settings
from tests.factories import entry, topic

OPERATIONS = Path(__file__).parents[2] / "graphql" / "operations"


async def run(
    fast: bool, app: Starlette, settings: Settings, query: str, variables: dict[str, Any]
) -> Any:
    schema = build_schema(settings, fast_leaves=fast)
    scope = {"type": "http", "method": "POST", "headers": [], "path": "/", "query_string": b""}
    context = Context(request=Request(scope), settings=settings, services=app.state.services)
    result = await schema.execute(query, variable_values=variables, context_value=context)
    return result.data, [(e.message, e.path) for e in result.errors or []]


async def test_fast_and_normal_paths_agree(db: None, app: Starlette, settings: Settings) -> None:
    await topic("youth", "Rinia", "Youth")
    await entry("Lajm", en="News", topics=("youth",), cover_image_url=None)
    await entry("Ngjarje", kind=EntryKind.EVENT, venue=None, organisers="ASPA")
    await entry("Thirrje", en="Call", kind=EntryKind.CALL, apply_url="https://example.org/a")
    cases: list[tuple[str, dict[str, Any]]] = [
        ((OPERATIONS / "HomePage.graphql").read_text(), {"locale": "en"}),
        ((OPERATIONS / "EntryPage.graphql").read_text(), {"slug": "thirrje", "locale": "sq"}),
        ((OPERATIONS / "EntryList.graphql").read_text(), {"kinds": ["EVENT"], "first": 2}),
        ('{ entries(locale: "xx") { edges { cursor } } }', {}),
    ]
    for query, variables in cases:
        fast = await run(True, app, settings, query, variables)
        normal = await run(False, app, settings, query, variables)
        assert fast == normal
    assert fast[1]  # the last case is an error, and both report it alike


def test_strawberry_and_graphql_core_are_the_tested_versions() -> None:
    # The fast path and the schema accessor use internals of both; a new minor version
    # must be measured and tested again before the pins in pyproject.toml move.
    for package, tested in TESTED_VERSIONS.items():
        installed = version(package)
        assert installed == tested or installed.startswith(f"{tested}."), (
            f"{package} {installed} is not the tested {tested}.x: re-run tests/api/"
            "test_execution.py and bench/graphql_read.py, then update TESTED_VERSIONS"
        )
