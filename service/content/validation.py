"""Rules an entry must satisfy whatever path it came in by: create, update or restore."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from service.content.enums import EntryKind
from service.content.errors import ContentErrorCode, FieldError
from service.content.inputs import TIME_FIELDS, EntryData
from service.settings import Settings
from service.text import has_control_characters

# Column sizes in service/content/models.py: refuse early with a clear error, not at the DB.
MAX_LENGTHS = {
    "cover_image_url": 500,
    "organisers": 500,
    "venue": 300,
    "online_url": 500,
    "registration_url": 500,
    "apply_url": 500,
    "budget": 200,
}
URL_FIELDS = ("cover_image_url", "online_url", "registration_url", "apply_url")


def api_name(field: str) -> str:
    """The GraphQL name of an entry field, as payload errors report it."""
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)


MAX_TITLE = 300
MAX_SLUG = 120
# Stored times stay well inside what every layer can hold: Python's datetime in any zone,
# PostgreSQL without its infinities, feeds and calendars. Far-off "no deadline" values
# (9999-12-31) would otherwise overflow when shown in the organisation's zone.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def time_errors(value: datetime, field: str) -> list[FieldError]:
    """An aware time between EARLIEST and LATEST, or the reason it is not."""
    if value.tzinfo is None:
        return [FieldError(ContentErrorCode.INVALID, "Give a time with its UTC offset.", field)]
    if not EARLIEST <= value < LATEST:
        return [
            FieldError(
                ContentErrorCode.INVALID,
                f"Give a time between {EARLIEST.year} and {LATEST.year - 1}.",
                field,
            )
        ]
    return []


def is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _translation_errors(data: EntryData, settings: Settings) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, tr in enumerate(data.translations):
        where = f"translations.{i}"
        if tr.locale not in settings.locales:
            errors.append(
                FieldError(
                    ContentErrorCode.UNSUPPORTED_LOCALE,
                    f"Locale {tr.locale!r} is not one of {', '.join(settings.locales)}.",
                    f"{where}.locale",
                )
            )
        if tr.locale in seen:
            errors.append(
                FieldError(ContentErrorCode.INVALID, f"Locale {tr.locale!r} is given twice.", where)
            )
        seen.add(tr.locale)
        if not tr.title.strip():
            errors.append(
                FieldError(ContentErrorCode.REQUIRED, "A title is required.", f"{where}.title")
            )
        elif len(tr.title.strip()) > MAX_TITLE:
            errors.append(
                FieldError(
                    ContentErrorCode.TOO_LONG,
                    f"A title has at most {MAX_TITLE} characters.",
                    f"{where}.title",
                )
            )
        elif has_control_characters(tr.title):
            # Titles become mail subjects and feed titles: one line, no control characters.
            errors.append(
                FieldError(
                    ContentErrorCode.INVALID,
                    "A title is one line, without control characters.",
                    f"{where}.title",
                )
            )
        if tr.summary is not None and has_control_characters(tr.summary, multiline=True):
            errors.append(
                FieldError(
                    ContentErrorCode.INVALID,
                    "A summary is plain text, without control characters.",
                    f"{where}.summary",
                )
            )
        if tr.slug is not None and len(tr.slug) > MAX_SLUG:
            errors.append(
                FieldError(
                    ContentErrorCode.TOO_LONG,
                    f"A slug has at most {MAX_SLUG} characters.",
                    f"{where}.slug",
                )
            )
    if settings.default_locale not in seen:
        errors.append(
            FieldError(
                ContentErrorCode.REQUIRED,
                f"A translation in the default locale ({settings.default_locale}) is required.",
                "translations",
            )
        )
    return errors


def _kind_errors(data: EntryData) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.kind is EntryKind.EVENT:
        if data.starts_at is None:
            errors.append(
                FieldError(ContentErrorCode.REQUIRED, "An event needs a start.", "startsAt")
            )
        elif data.ends_at is not None and data.ends_at < data.starts_at:
            errors.append(
                FieldError(
                    ContentErrorCode.INVALID, "An event cannot end before it starts.", "endsAt"
                )
            )
    if data.kind is EntryKind.CALL:
        if data.deadline is None:
            errors.append(
                FieldError(ContentErrorCode.REQUIRED, "A call needs a deadline.", "deadline")
            )
        elif data.opens_at is not None and data.opens_at > data.deadline:
            errors.append(
                FieldError(
                    ContentErrorCode.INVALID, "A call cannot open after its deadline.", "opensAt"
                )
            )
    return errors


def closed_call_error(
    kind: EntryKind, deadline: datetime | None, moment: datetime
) -> FieldError | None:
    """A call cannot go public after its deadline: publishing it then would mislead."""
    if kind is EntryKind.CALL and deadline is not None and deadline < moment:
        return FieldError(
            ContentErrorCode.INVALID,
            "The call's deadline is before its publication; move the deadline first.",
            "deadline",
        )
    return None


def validate_entry(data: EntryData, settings: Settings) -> list[FieldError]:
    """Every problem at once, so an editor fixes the form in one go."""
    errors = _translation_errors(data, settings)
    bad_times = [
        error
        for attr in TIME_FIELDS
        if isinstance(value := getattr(data, attr), datetime)
        for error in time_errors(value, api_name(attr))
    ]
    errors += bad_times
    if not bad_times:  # comparing naive with aware times would raise
        errors += _kind_errors(data)
    for attr, limit in MAX_LENGTHS.items():
        value = getattr(data, attr)
        if value is not None and len(value) > limit:
            errors.append(
                FieldError(
                    ContentErrorCode.TOO_LONG, f"At most {limit} characters.", api_name(attr)
                )
            )
    for attr in URL_FIELDS:
        value = getattr(data, attr)
        if value is not None and not is_web_url(value):
            errors.append(
                FieldError(
                    ContentErrorCode.INVALID, "Give an http:// or https:// address.", api_name(attr)
                )
            )
    return errors
