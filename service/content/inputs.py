"""What callers hand the content actions: plain dataclasses, no ORM, no GraphQL.

`EntryFields` is the one list of an entry's own fields (besides its kind, translations
and topics): the inputs, the patch, the read path's record and the revisions all derive
their field lists from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import Enum
from types import MappingProxyType
from typing import Any, Final, TypeAlias, TypeVar, Union, get_type_hints

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


@dataclass(frozen=True, kw_only=True)
class EntryFields:
    """An entry's own fields; every one optional here, the kind's rules say what is required."""

    cover_image_url: str | None = None
    organisers: str | None = None
    # Events
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    venue: str | None = None
    online_url: str | None = None
    registration_url: str | None = None
    # Open calls
    opens_at: datetime | None = None
    deadline: datetime | None = None
    apply_url: str | None = None
    budget: str | None = None


SCALAR_FIELDS: Final = tuple(f.name for f in fields(EntryFields))
TIME_FIELDS: Final = tuple(
    name for name, hint in get_type_hints(EntryFields).items() if hint == datetime | None
)


def fields_of(source: object) -> dict[str, Any]:
    """The entry fields of anything that has them as attributes (a row, an input)."""
    return {name: getattr(source, name) for name in SCALAR_FIELDS}


@dataclass(frozen=True, kw_only=True)
class EntryData(EntryFields):
    kind: EntryKind
    translations: Sequence[TranslationData]
    topics: Sequence[str] = ()


@dataclass(frozen=True, init=False)
class EntryPatch:
    """Only what changes: translations upsert by locale, `remove_locales` drops some, and
    `changes` holds the entry fields given (None clears one; absent ones stay)."""

    translations: Sequence[TranslationData]
    remove_locales: Sequence[str]
    topics: Patch[Sequence[str]]
    changes: Mapping[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        *,
        translations: Sequence[TranslationData] = (),
        remove_locales: Sequence[str] = (),
        topics: Patch[Sequence[str]] = KEEP,
        **changes: Any,
    ) -> None:
        unknown = sorted(set(changes) - set(SCALAR_FIELDS))
        if unknown:
            raise TypeError(f"not entry fields: {', '.join(unknown)}")
        object.__setattr__(self, "translations", translations)
        object.__setattr__(self, "remove_locales", remove_locales)
        object.__setattr__(self, "topics", topics)
        object.__setattr__(self, "changes", MappingProxyType(dict(changes)))
