"""Conditional GET (RFC 9110 §13), shared by the feeds and the GraphQL endpoint."""

from __future__ import annotations


def _opaque_tags(header: str) -> set[str]:
    # Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x".
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def none_match(if_none_match: str, etag: str) -> bool:
    """Whether `If-None-Match` names `etag` (or is `*`): then the answer is a 304."""
    tags = _opaque_tags(if_none_match)
    return "*" in tags or etag.removeprefix("W/") in tags
