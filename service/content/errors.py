"""Expected content failures, each with a stable code the API hands to clients."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ContentErrorCode(str, Enum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    DUPLICATE_SLUG = "DUPLICATE_SLUG"
    UNKNOWN_TOPIC = "UNKNOWN_TOPIC"
    UNSUPPORTED_LOCALE = "UNSUPPORTED_LOCALE"
    CONFLICT = "CONFLICT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    NOT_FOUND = "NOT_FOUND"


@dataclass(frozen=True)
class FieldError:
    code: ContentErrorCode
    message: str
    field: str | None = None


class ContentError(Exception):
    """One or more expected failures; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors

    @classmethod
    def single(cls, code: ContentErrorCode, message: str, field: str | None = None) -> ContentError:
        return cls([FieldError(code, message, field)])
