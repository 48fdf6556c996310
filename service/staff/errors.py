"""Expected staff failures, each with a stable code the API hands to clients."""

from __future__ import annotations

from enum import Enum

from service.errors import DomainError


class StaffErrorCode(str, Enum):
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    DUPLICATE_EMAIL = "DUPLICATE_EMAIL"
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    TOO_LONG = "TOO_LONG"
    PASSWORD_TOO_SHORT = "PASSWORD_TOO_SHORT"
    UNSUPPORTED_LOCALE = "UNSUPPORTED_LOCALE"
    # The change would leave no active admin to manage staff.
    LAST_ADMIN = "LAST_ADMIN"
    # Attempts cannot be counted (Redis is down): sign-in is refused rather than unthrottled.
    UNAVAILABLE = "UNAVAILABLE"


class StaffError(DomainError):
    """Staff input that cannot be accepted; nothing was written."""
