"""Content enums. Migrations import them from here, so this path must stay stable."""

from __future__ import annotations

from enum import Enum


class EntryKind(str, Enum):
    NEWS = "news"
    EVENT = "event"
    CALL = "call"


class EntryStatus(str, Enum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"
