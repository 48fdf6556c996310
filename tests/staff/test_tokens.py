"""Opaque tokens: a readable prefix, 256 random bits, only a digest stored."""

from __future__ import annotations

from service.staff.tokens import TokenKind, new_token, token_digest, token_kind


def test_tokens_carry_their_kind_and_are_unique() -> None:
    session, api = new_token(TokenKind.SESSION), new_token(TokenKind.API)
    assert session.startswith("bls_")
    assert api.startswith("blt_")
    assert token_kind(session) is TokenKind.SESSION
    assert token_kind(api) is TokenKind.API
    assert len({new_token(TokenKind.SESSION) for _ in range(100)}) == 100


def test_the_digest_is_sha256_hex_and_not_the_token() -> None:
    token = new_token(TokenKind.SESSION)
    digest = token_digest(token)
    assert len(digest) == 64
    assert token not in digest
    assert token_digest(token) == digest


def test_strings_that_are_not_tokens_have_no_kind() -> None:
    assert token_kind("") is None
    assert token_kind("bls_") is None
    assert token_kind("Basic dXNlcjpwYXNz") is None
    assert token_kind("bls_" + "a" * 500) is None
