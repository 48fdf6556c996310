"""Relay connections: the page info type, the opaque cursor codec and the slice checks.

Every connection of the API (entries, the audit log, subscribers, digests) pages by
keyset: a cursor names the last row seen by its sort value and id. The domain pages with
plain (value, id) keys; only this module knows how a cursor is written, so a cursor made
for one list is refused by another, and a forged one is BAD_USER_INPUT, never a crash or
an empty page. A filtered list binds its cursors to its order and filter with
`scoped_kind`: another filter's key would resume the wrong list, or page one again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import strawberry

from service.api.arguments import MAX_ID
from service.api.errors import ApiError, ErrorCode
from service.content.validation import EARLIEST, LATEST
from service.settings import Settings


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@dataclass(frozen=True, slots=True)
class Keyset:
    """Where a page starts: right after the row with this sort value and id."""

    value: datetime | None
    id: int


def _refused() -> ApiError:
    return ApiError(
        ErrorCode.BAD_USER_INPUT, "The cursor is not one this API gave out.", field="after"
    )


def scoped_kind(kind: str, scope: tuple[object, ...]) -> str:
    """`kind` bound to one order and filter: `scope` names them, in plain values whose
    repr is stable. Eight characters of hash keep the cursor short enough for a URL."""
    digest = hashlib.blake2b(repr(scope).encode(), digest_size=6).digest()
    return f"{kind}.{base64.urlsafe_b64encode(digest).decode()}"


def encode_cursor(kind: str, key: Keyset) -> str:
    # "<kind>|<sort value>|<id>"; made 20 times a page, so no JSON here.
    value = key.value.astimezone(UTC).isoformat() if key.value is not None else ""
    raw = f"{kind}|{value}|{key.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> Keyset:
    """The keyset a cursor of this list names; BAD_USER_INPUT for anything else."""
    if len(cursor) > 200:
        raise _refused()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode()).decode()
        made_for, value, number = raw.split("|")
        if made_for != kind or not number.isdigit():
            raise ValueError(cursor)
        key_id = int(number)
        moment = datetime.fromisoformat(value) if value else None
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise _refused() from exc
    if not 0 < key_id <= MAX_ID:
        raise _refused()
    if moment is not None:
        # Stored times lie in content validation's range: a cursor outside it was not made
        # here, and converting it could overflow.
        if moment.tzinfo is None or not EARLIEST <= moment < LATEST:
            raise _refused()
        moment = moment.astimezone(UTC)
    return Keyset(moment, key_id)


def after_id(kind: str, after: str | None) -> int | None:
    """Where a list ordered by id alone resumes: the id in `after`, or None for page one."""
    return decode_cursor(kind, after).id if after is not None else None


def id_cursor(kind: str, row_id: int) -> str:
    return encode_cursor(kind, Keyset(None, row_id))


def check_first(first: int, settings: Settings) -> None:
    if not 0 <= first <= settings.max_page_size:
        raise ApiError(
            ErrorCode.BAD_USER_INPUT,
            f"`first` must be between 0 and {settings.max_page_size}.",
            field="first",
        )


def page_info(cursors: Sequence[str], *, has_next: bool, after: str | None) -> PageInfo:
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=after is not None,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
