"""Domain failures shared by every domain package; the API maps them to codes.

`DomainError` is bad input (a mutation answers it in its payload `errors`);
`NotAuthenticated`, `Forbidden` and `NotFound` become top-level GraphQL errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Self


@dataclass(frozen=True)
class FieldError:
    code: Enum
    message: str
    field: str | None = None


class DomainError(Exception):
    """One or more expected failures of input; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors

    @classmethod
    def single(cls, code: Enum, message: str, field: str | None = None) -> Self:
        return cls([FieldError(code, message, field)])


class NotAuthenticated(Exception):
    """No valid credentials: sign in first."""


class Forbidden(Exception):
    """Signed in, but this staff member may not do this."""


class NotFound(Exception):
    """The thing does not exist (or is not visible to the caller)."""
