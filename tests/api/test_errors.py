"""Every GraphQL error carries a code; our own failures never leak their details."""

from __future__ import annotations

from graphql import GraphQLError

from service.api.errors import format_error


def test_an_internal_failure_is_masked_from_the_public() -> None:
    error = GraphQLError("boom", path=["entries"], original_error=RuntimeError("db password"))
    formatted = format_error(error, reveal=False)
    assert formatted["message"] == "Internal server error."
    assert formatted["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "password" not in str(formatted)


def test_an_internal_failure_shows_its_message_when_revealed() -> None:
    error = GraphQLError("boom", path=["entries"], original_error=RuntimeError("db down"))
    assert format_error(error, reveal=True)["message"] == "boom"


def test_an_error_keeps_the_code_it_came_with() -> None:
    error = GraphQLError("no", extensions={"code": "FORBIDDEN"})
    assert format_error(error, reveal=False) == {
        "message": "no",
        "extensions": {"code": "FORBIDDEN"},
    }
