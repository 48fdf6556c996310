"""Expected content failures, each with a stable code the API hands to clients."""

from __future__ import annotations

from enum import Enum

from service.errors import DomainError, FieldError

__all__ = ["ContentError", "ContentErrorCode", "FieldError"]


class ContentErrorCode(str, Enum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    TOO_LONG = "TOO_LONG"
    DUPLICATE_SLUG = "DUPLICATE_SLUG"
    RESERVED_SLUG = "RESERVED_SLUG"
    UNKNOWN_TOPIC = "UNKNOWN_TOPIC"
    UNSUPPORTED_LOCALE = "UNSUPPORTED_LOCALE"
    CONFLICT = "CONFLICT"
    INVALID_TRANSITION = "INVALID_TRANSITION"


class ContentError(DomainError):
    """Content input that cannot be accepted; nothing was written."""
