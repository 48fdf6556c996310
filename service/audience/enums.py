"""Audience enums. Migrations import them from here, so this path must stay stable."""

from __future__ import annotations

from enum import Enum


class SubscriberStatus(str, Enum):
    PENDING = "pending"  # signed up, not confirmed yet: gets nothing but the confirmation
    ACTIVE = "active"  # confirmed: gets digests
    UNSUBSCRIBED = "unsubscribed"  # left: never mailed again unless they sign up anew
    SUPPRESSED = "suppressed"  # hard bounce, complaint or imported list: never mailed again


class DigestFrequency(str, Enum):
    DAILY = "daily"
    WEEKLY = "weekly"


class DigestStatus(str, Enum):
    PLANNING = "planning"  # the audience is being frozen into delivery rows
    SENDING = "sending"  # every delivery row exists; batches are going out
    SENT = "sent"  # no delivery is queued or sending any more


class DeliveryStatus(str, Enum):
    QUEUED = "queued"  # to be sent
    SENDING = "sending"  # claimed by a worker until lease_until
    ACCEPTED = "accepted"  # the SMTP server took it
    FAILED = "failed"  # refused for good (5xx), or too many temporary failures
    SKIPPED = "skipped"  # nothing in the digest matched this subscriber's choices
