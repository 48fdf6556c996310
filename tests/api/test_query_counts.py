"""A page costs the same number of SQL statements for 5 entries as for 100."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from service.content.enums import EntryKind
from tests.conftest import Figure
from tests.factories import entry, gql, topic

PAGE = """
query Page($first: Int!) {
  entries(first: $first) {
    edges { node {
      id title slug summary url publishedAt
      topics { slug name }
      translations { locale slug title }
      ... on Event { startsAt venue }
      ... on OpenCall { deadline applyUrl }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
SQL_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


class _StatementCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().lstrip()
        # The periodic content-version check (service/api/versions.py) runs on its own
        # clock and lands in either window by chance; it is no part of the page.
        if message.upper().startswith(SQL_VERBS) and '"content_version"' not in message:
            self.statements.append(message)


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """Tortoise logs every statement it sends on `tortoise.db_client`, at DEBUG."""
    logger = logging.getLogger("tortoise.db_client")
    counter = _StatementCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter.statements
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)


async def test_statement_count_does_not_grow_with_page_size(
    client: httpx.AsyncClient, figure: Figure
) -> None:
    await topic("youth", "Të rinjtë", "Youth")
    await topic("grants", "Grante", "Grants")
    kinds = [EntryKind.NEWS, EntryKind.EVENT, EntryKind.CALL]
    for i in range(105):
        await entry(
            f"Hyrje {i}",
            en=f"Entry {i}",
            kind=kinds[i % 3],
            topics=("youth", "grants")[: 1 + i % 2],
        )

    with count_statements() as small:
        body = await gql(client, PAGE, {"first": 5})
    assert len(body["data"]["entries"]["edges"]) == 5
    with count_statements() as large:
        body = await gql(client, PAGE, {"first": 100})
    edges = body["data"]["entries"]["edges"]
    assert len(edges) == 100
    assert all(edge["node"]["topics"] and len(edge["node"]["translations"]) == 2 for edge in edges)

    figure(f"SQL statements: first 5 -> {len(small)}, first 100 -> {len(large)}")
    assert len(small) == len(large)
    assert len(large) <= 6, large
