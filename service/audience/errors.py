"""Expected audience failures, each with a stable code the API hands to clients."""

from __future__ import annotations

from enum import Enum

from service.errors import DomainError


class AudienceErrorCode(str, Enum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    INVALID_EMAIL = "INVALID_EMAIL"
    UNSUPPORTED_LOCALE = "UNSUPPORTED_LOCALE"
    UNKNOWN_TOPIC = "UNKNOWN_TOPIC"
    # Too many sign-ups from one client address within the window (the per-address limit
    # answers as usual instead: telling would reveal that someone else asked for it).
    RATE_LIMITED = "RATE_LIMITED"
    # Sign-ups cannot be counted (Redis is down): refused rather than unthrottled.
    UNAVAILABLE = "UNAVAILABLE"
    # The link's subscriber has left or was suppressed: there are no choices to change.
    NOT_SUBSCRIBED = "NOT_SUBSCRIBED"


class AudienceError(DomainError):
    """Subscriber input that cannot be accepted; nothing was written."""


# Enough to recognise one's own input; a message never hands a whole (maybe huge) input back.
QUOTE_LIMIT = 40


def quoted(value: str, limit: int = QUOTE_LIMIT) -> str:
    """`value` as an error message quotes it, cut short with an ellipsis past `limit`."""
    return repr(value if len(value) <= limit else f"{value[:limit]}…")


def quoted_list(values: list[str], most: int = 5) -> str:
    """The first few of `values`, each quoted: one message for many bad values."""
    shown = ", ".join(quoted(value) for value in values[:most])
    return shown if len(values) <= most else f"{shown} and {len(values) - most} more"
