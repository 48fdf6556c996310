"""What callers hand the content actions: plain dataclasses, no ORM, no GraphQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Final, TypeAlias, TypeVar, Union

from service.content.enums import EntryKind


class _Keep(Enum):
    KEEP = "KEEP"


# "Leave this field as it is" in a patch; None means "clear it".
KEEP: Final = _Keep.KEEP
T = TypeVar("T")
Patch: TypeAlias = Union[T, _Keep]  # noqa: UP007 - a generic alias needs Union here


@dataclass(frozen=True)
class TranslationData:
    locale: str
    title: str
    # None: empty on create, unchanged on update.
    summary: str | None = None
    body: str | None = None
    slug: str | None = None
    eligibility: str | None = None


@dataclass(frozen=True)
class EntryData:
    kind: EntryKind
    translations: Sequence[TranslationData]
    topics: Sequence[str] = ()
    cover_image_url: str | None = None
    organisers: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    venue: str | None = None
    online_url: str | None = None
    registration_url: str | None = None
    opens_at: datetime | None = None
    deadline: datetime | None = None
    apply_url: str | None = None
    budget: str | None = None


# The entry fields a patch may set, besides translations and topics.
SCALAR_FIELDS: Final = (
    "cover_image_url",
    "organisers",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "registration_url",
    "opens_at",
    "deadline",
    "apply_url",
    "budget",
)


@dataclass(frozen=True)
class EntryPatch:
    """Only what changes: translations upsert by locale, `remove_locales` drops some."""

    translations: Sequence[TranslationData] = ()
    remove_locales: Sequence[str] = ()
    topics: Patch[Sequence[str]] = KEEP
    cover_image_url: Patch[str | None] = KEEP
    organisers: Patch[str | None] = KEEP
    starts_at: Patch[datetime | None] = KEEP
    ends_at: Patch[datetime | None] = KEEP
    venue: Patch[str | None] = KEEP
    online_url: Patch[str | None] = KEEP
    registration_url: Patch[str | None] = KEEP
    opens_at: Patch[datetime | None] = KEEP
    deadline: Patch[datetime | None] = KEEP
    apply_url: Patch[str | None] = KEEP
    budget: Patch[str | None] = KEEP
