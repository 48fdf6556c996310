"""Hostile or broken requests get a coded error and a status under 500, never a crash."""

from __future__ import annotations

from typing import Any

import httpx
import pytest


async def post(client: httpx.AsyncClient, payload: Any) -> httpx.Response:
    return await client.post("/graphql", json=payload)


def codes(response: httpx.Response) -> set[str]:
    assert response.status_code < 500, response.text
    return {e["extensions"]["code"] for e in response.json()["errors"]}


async def test_depth_20_is_refused(client: httpx.AsyncClient) -> None:
    query = "{ " + "entries { " * 20 + "id" + " }" * 20 + " }"
    assert "QUERY_TOO_DEEP" in codes(await post(client, {"query": query}))


async def test_cyclic_introspection_is_refused(client: httpx.AsyncClient) -> None:
    query = "{ __schema { types { " + "fields { type { " * 8 + "name" + " } }" * 8 + " } } }"
    found = codes(await post(client, {"query": query}))
    assert {"INTROSPECTION_DISABLED", "QUERY_TOO_DEEP"} <= found


async def test_500_aliases_are_refused(client: httpx.AsyncClient) -> None:
    query = "{ " + " ".join(f"a{i}: locales" for i in range(500)) + " }"
    assert codes(await post(client, {"query": query})) == {"TOO_MANY_ALIASES"}


async def test_first_100000_is_refused(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": "{ entries(first: 100000) { edges { cursor } } }"})
    assert codes(response) == {"BAD_USER_INPUT"}
    assert response.json()["errors"][0]["extensions"]["field"] == "first"


async def test_negative_first_is_refused(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": "{ entries(first: -1) { edges { cursor } } }"})
    assert codes(response) == {"BAD_USER_INPUT"}


async def test_a_1_mb_query_is_refused_before_parsing(client: httpx.AsyncClient) -> None:
    query = "{ locales " + "# padding\n" * 100_000 + "}"
    response = await post(client, {"query": query})
    assert response.status_code == 413
    assert codes(response) == {"REQUEST_TOO_LARGE"}


async def test_oversized_variables_are_refused(client: httpx.AsyncClient) -> None:
    payload = {
        "query": "query($s: String) { entries(filter: {search: $s}) { edges { cursor } } }",
        "variables": {"s": "x" * 2_000_000},
    }
    response = await post(client, payload)
    assert response.status_code == 413


async def test_a_long_get_query_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ locales }" + " " * 20_000})
    assert response.status_code == 414
    assert codes(response) == {"REQUEST_TOO_LARGE"}


async def test_too_many_tokens_are_refused(client: httpx.AsyncClient) -> None:
    query = "{ " + "locales " * 3000 + "}"
    assert codes(await post(client, {"query": query})) == {"TOO_MANY_TOKENS"}


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"query": "{ entries { "}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {
                "query": "query($n: Int) { entries(first: $n) { edges { cursor } } }",
                "variables": {"n": "many"},
            },
            "BAD_USER_INPUT",
        ),
        ({"query": 42}, "BAD_REQUEST"),
        ({}, "BAD_REQUEST"),
    ],
)
async def test_broken_requests_get_coded_errors(
    client: httpx.AsyncClient, payload: dict[str, Any], code: str
) -> None:
    assert code in codes(await post(client, payload))


async def test_malformed_json_is_a_coded_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert codes(response) == {"BAD_REQUEST"}


async def test_batched_requests_are_refused(client: httpx.AsyncClient) -> None:
    response = await post(client, [{"query": "{ locales }"}, {"query": "{ locales }"}])
    assert response.status_code < 500
    assert codes(response) == {"BAD_REQUEST"}


async def test_unexpected_methods_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.put("/graphql", json={"query": "{ locales }"})
    assert response.status_code == 405


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_subscription_is_a_validation_error(client: httpx.AsyncClient, method: str) -> None:
    query = "subscription { locales }"
    if method == "GET":
        response = await client.get("/graphql", params={"query": query})
    else:
        response = await post(client, {"query": query})
    assert response.status_code == 200
    assert "allow" not in response.headers
    assert codes(response) == {"GRAPHQL_VALIDATION_FAILED"}
    message = response.json()["errors"][0]["message"]
    assert message == "The subscription operation is not supported by the schema."


@pytest.mark.parametrize("body", [b"null", b'"x"', b"123", b"true"])
async def test_a_json_body_that_is_not_an_object_is_a_coded_400(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert codes(response) == {"BAD_REQUEST"}


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_variables_nested_1000_deep_are_a_coded_400(
    client: httpx.AsyncClient, method: str
) -> None:
    # 2 KB of text, as an attacker sends it (too deep for most JSON encoders to build).
    variables = '{"s": ' + "[" * 1000 + '"x"' + "]" * 1000 + "}"
    query = "query($s: String) { entries(filter: {search: $s}) { edges { cursor } } }"
    if method == "GET":
        response = await client.get("/graphql", params={"query": query, "variables": variables})
    else:
        body = '{"query": "' + query + '", "variables": ' + variables + "}"
        response = await client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    assert codes(response) == {"BAD_REQUEST"}


async def test_a_body_over_the_limit_without_a_length_is_refused(
    client: httpx.AsyncClient,
) -> None:
    async def chunks() -> Any:
        for _ in range(100):
            yield b" " * 1024  # 100 KB in pieces, no Content-Length: counted as it arrives

    response = await client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert codes(response) == {"REQUEST_TOO_LARGE"}
