"""What a subscriber asks for, checked: the address, languages, topics, kinds and frequency.

Addresses are checked by email-validator (RFC 5321/5322 syntax, IDNA domains) rather than
a hand regex, after refusing every control character: a CR, LF or NUL in an address is a
header-injection attempt, never a typo to tidy up.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from service.audience.enums import DigestFrequency
from service.audience.errors import AudienceError, AudienceErrorCode, quoted, quoted_list
from service.content.enums import EntryKind
from service.content.models import Topic
from service.content.slugs import MAX_TOPIC_SLUG_LENGTH
from service.errors import FieldError
from service.mail.message import check_address
from service.settings import Settings

MAX_EMAIL_LENGTH = 254  # RFC 5321's limit, and the column's
# More than any real choice; a cap keeps one request from naming a million topics.
MAX_TOPICS = 100


@dataclass(frozen=True)
class Choices:
    """A subscriber's choices, valid and normalised; empty topics or kinds mean everything."""

    locales: tuple[str, ...]
    topics: tuple[str, ...] = ()
    kinds: tuple[EntryKind, ...] = ()
    frequency: DigestFrequency = DigestFrequency.WEEKLY


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def normalise_email(raw: str) -> str:
    """The address as stored (ASCII, lower-case), or AudienceError INVALID_EMAIL/REQUIRED."""
    if any(unicodedata.category(ch).startswith("C") for ch in raw):
        # Control and format characters (CR, LF, NUL, zero-width joiners…) never belong.
        raise _email_error("An email address cannot contain control characters.")
    address = raw.strip(" ")
    if not address:
        raise AudienceError.single(
            AudienceErrorCode.REQUIRED, "An email address is required.", "email"
        )
    if len(address) > MAX_EMAIL_LENGTH:
        raise _email_error("The email address is too long.")
    try:
        # No DNS look-up: sign-ups must not wait on (or leak to) resolvers; the double
        # opt-in proves the mailbox exists. No SMTPUTF8: our relay path is ASCII.
        checked = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise _email_error(f"This is not an email address we can send to: {exc}") from None
    normalised = (checked.ascii_email or checked.normalized).lower()
    try:
        check_address(normalised)  # what the message builder will demand
    except ValueError:
        raise _email_error("This is not an email address we can send to.") from None
    if len(normalised) > MAX_EMAIL_LENGTH:
        raise _email_error("The email address is too long.")
    return normalised


async def _unknown_topics(slugs: list[str]) -> list[str]:
    # A slug longer than the column names no topic; Tortoise would refuse it in the query.
    possible = [slug for slug in slugs if len(slug) <= MAX_TOPIC_SLUG_LENGTH]
    found = await Topic.filter(slug__in=possible).values_list("slug", flat=True) if possible else []
    known = {str(slug) for slug in found}
    return [slug for slug in slugs if slug not in known]


def _email_error(message: str) -> AudienceError:
    return AudienceError.single(AudienceErrorCode.INVALID_EMAIL, message, "email")


async def check_choices(
    *,
    locales: Sequence[str],
    topics: Sequence[str] | None,
    kinds: Sequence[str] | None,
    frequency: str | DigestFrequency | None,
    settings: Settings,
) -> Choices:
    """Every problem at once, as field errors; nothing is written either way."""
    errors: list[FieldError] = []
    clean_locales = _unique(loc.strip() for loc in locales)
    if not clean_locales or clean_locales == [""]:
        errors.append(
            FieldError(AudienceErrorCode.REQUIRED, "Choose at least one language.", "locales")
        )
    unsupported = [loc for loc in clean_locales if loc not in settings.locales]
    if unsupported:
        errors.append(
            FieldError(
                AudienceErrorCode.UNSUPPORTED_LOCALE,
                f"Not a language offered ({', '.join(settings.locales)}): "
                f"{quoted_list(unsupported)}.",
                "locales",
            )
        )

    clean_topics = _unique(t.strip() for t in topics or () if t.strip())
    if len(clean_topics) > MAX_TOPICS:
        errors.append(
            FieldError(AudienceErrorCode.INVALID, f"At most {MAX_TOPICS} topics.", "topics")
        )
    elif clean_topics:
        unknown = await _unknown_topics(clean_topics)
        if unknown:
            errors.append(
                FieldError(
                    AudienceErrorCode.UNKNOWN_TOPIC, f"No topic {quoted_list(unknown)}.", "topics"
                )
            )

    kind_values = {kind.value: kind for kind in EntryKind}
    clean_kinds: list[EntryKind] = []
    for kind in _unique(k.value if isinstance(k, EntryKind) else str(k) for k in kinds or ()):
        if kind in kind_values:
            clean_kinds.append(kind_values[kind])
        else:
            errors.append(
                FieldError(AudienceErrorCode.INVALID, f"No kind of entry {quoted(kind)}.", "kinds")
            )

    chosen: DigestFrequency = DigestFrequency.WEEKLY
    if frequency is not None and frequency != "":
        try:
            chosen = DigestFrequency(frequency)
        except ValueError:
            errors.append(
                FieldError(
                    AudienceErrorCode.INVALID,
                    "The frequency is daily or weekly.",
                    "frequency",
                )
            )
    if errors:
        raise AudienceError(errors)
    return Choices(
        locales=tuple(clean_locales),
        topics=tuple(clean_topics),
        kinds=tuple(clean_kinds),
        frequency=chosen,
    )
