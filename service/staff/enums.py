"""Staff enums. Migrations import them from here, so this path must stay stable."""

from __future__ import annotations

from enum import Enum


class StaffRole(str, Enum):
    ADMIN = "admin"
    EDITOR = "editor"
    AUTHOR = "author"
