"""Expected failures of the digest tools; the API maps them to payload errors."""

from __future__ import annotations

from enum import Enum

from service.errors import DomainError


class DigestErrorCode(str, Enum):
    NOTHING_TO_SEND = "NOTHING_TO_SEND"  # nothing published in the period
    UNSUPPORTED_LOCALE = "UNSUPPORTED_LOCALE"
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    INVALID_EMAIL = "INVALID_EMAIL"  # as a sign-up of that address would be refused


class DigestError(DomainError):
    pass
