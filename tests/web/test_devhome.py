"""`/` and GraphiQL's files exist only in dev mode (DEBUG): production shows neither."""

from __future__ import annotations

import httpx


async def test_outside_debug_there_is_no_home_page_nor_graphiql(client: httpx.AsyncClient) -> None:
    assert (await client.get("/")).status_code == 404
    assert (await client.get("/static/graphiql/graphiql.min.js")).status_code == 404
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "<html" not in page.text.lower()
