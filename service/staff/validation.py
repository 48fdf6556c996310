"""Checks of staff input, giving the field errors a payload shows (API field names)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.content.enums import EntryKind
from service.errors import FieldError
from service.notices.ledger import NOTIFIED_KINDS
from service.settings import Settings
from service.staff.errors import StaffErrorCode
from service.text import has_control_characters

MAX_EMAIL_LENGTH = 254  # RFC 5321's limit, and the column's
MAX_NAME_LENGTH = 120
# argon2 takes any length; a cap keeps one request from hashing megabytes.
MAX_PASSWORD_LENGTH = 1024
# Deliberately loose: one @, something on each side, a dot in the domain, no spaces.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalize_email(email: str) -> str:
    """Emails are stored and compared lower-case, so `Ana@…` and `ana@…` are one account."""
    return email.strip().lower()


def email_errors(email: str) -> list[FieldError]:
    if not email:
        return [FieldError(StaffErrorCode.REQUIRED, "An email address is required.", "email")]
    if len(email) > MAX_EMAIL_LENGTH:
        return [FieldError(StaffErrorCode.TOO_LONG, "The email address is too long.", "email")]
    if not _EMAIL.fullmatch(email):
        return [FieldError(StaffErrorCode.INVALID, "This is not an email address.", "email")]
    return []


def name_errors(name: str, field: str = "name") -> list[FieldError]:
    if not name:
        return [FieldError(StaffErrorCode.REQUIRED, "A name is required.", field)]
    if len(name) > MAX_NAME_LENGTH:
        return [
            FieldError(
                StaffErrorCode.TOO_LONG, f"At most {MAX_NAME_LENGTH} characters, please.", field
            )
        ]
    if has_control_characters(name):
        # It goes into mail headers, where a line break is refused (or read as a header).
        return [
            FieldError(
                StaffErrorCode.INVALID, "A name is one line, without control characters.", field
            )
        ]
    return []


def locale_errors(locale: str, settings: Settings) -> list[FieldError]:
    if locale in settings.locales:
        return []
    return [
        FieldError(
            StaffErrorCode.UNSUPPORTED_LOCALE,
            f"Locale {locale!r} is not one of {', '.join(settings.locales)}.",
            "locale",
        )
    ]


def password_errors(password: str, settings: Settings, field: str = "password") -> list[FieldError]:
    if len(password) < settings.min_password_length:
        return [
            FieldError(
                StaffErrorCode.PASSWORD_TOO_SHORT,
                f"A password needs at least {settings.min_password_length} characters.",
                field,
            )
        ]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [
            FieldError(
                StaffErrorCode.TOO_LONG,
                f"A password has at most {MAX_PASSWORD_LENGTH} characters.",
                field,
            )
        ]
    return []


def notify_on_errors(kinds: Sequence[EntryKind]) -> list[FieldError]:
    """Notices go out for events and calls only: a kind that never sends one is refused
    rather than stored as a promise nobody keeps."""
    silent = [kind for kind in kinds if kind not in NOTIFIED_KINDS]
    if not silent:
        return []
    names = ", ".join(kind.name for kind in silent)
    return [
        FieldError(
            StaffErrorCode.INVALID,
            f"No notice is sent for {names}: choose from EVENT and CALL.",
            "notifyOn",
        )
    ]
