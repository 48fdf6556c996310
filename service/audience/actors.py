"""Who acts on subscribers when it is not a staff member nor the subscriber's own link.

A stop-gap until the project-wide system actor exists: the purge cron and the demo loader
name themselves, and the audit log records that name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from service.staff.models import StaffUser


@dataclass(frozen=True)
class SystemActor:
    name: str  # e.g. "cron.purge_pending", "dev.demo"


Actor: TypeAlias = "StaffUser | SystemActor"
