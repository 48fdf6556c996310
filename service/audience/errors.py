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
