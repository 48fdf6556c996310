"""Notice enums. Migrations import them from here, so this path must stay stable."""

from __future__ import annotations

from enum import Enum


class NoticeStatus(str, Enum):
    QUEUED = "queued"  # to be sent
    SENDING = "sending"  # claimed by a worker until lease_until
    ACCEPTED = "accepted"  # the SMTP server took it
    FAILED = "failed"  # refused for good (5xx); never retried
