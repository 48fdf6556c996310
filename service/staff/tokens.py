"""Opaque bearer tokens. Only a SHA-256 digest is stored, so a database dump signs nobody in.

A plain digest (no salt, no slow hash) is enough: the tokens carry 256 random bits,
so there is nothing to guess. The prefix tells a reader (and secret scanners) what
a leaked string is, and lets a lookup skip the database for strings that are neither.
"""

from __future__ import annotations

import hashlib
import secrets
from enum import Enum


class TokenKind(str, Enum):
    SESSION = "bls_"
    API = "blt_"


# Prefix plus 43 characters of token_urlsafe(32); anything much longer is not ours.
MAX_TOKEN_LENGTH = 64


def new_token(kind: TokenKind) -> str:
    return f"{kind.value}{secrets.token_urlsafe(32)}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_kind(token: str) -> TokenKind | None:
    """The kind a token claims by its prefix, or None for a string that is not a token."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    for kind in TokenKind:
        if token.startswith(kind.value) and len(token) > len(kind.value):
            return kind
    return None
