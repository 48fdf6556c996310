"""Feed tables: the stored snapshots, and what the calendars have told their subscribers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from service.content.models import Entry


class FeedSnapshot(Model):
    """One rendered feed, served as stored and re-rendered when its content may have changed."""

    id = fields.IntField(primary_key=True)
    # The feed's path under /feeds/, e.g. "sq/all.rss", "en/topics/youth.atom", "sq/events.ics".
    path = fields.CharField(max_length=255, unique=True)
    body = fields.BinaryField()
    etag = fields.CharField(max_length=80)
    # When the bytes last changed (whole seconds, as HTTP dates are).
    last_modified = fields.DatetimeField()
    rendered_at = fields.DatetimeField()
    # The entries it lists: a change to any of them re-renders this feed.
    entry_ids: list[int] = fields.JSONField(default=list)
    # The content version its render started from: an older render never overwrites it.
    source_version = fields.BigIntField(default=0)

    class Meta:
        table = "feed_snapshot"


class CalendarItem(Model):
    """An entry a calendar has listed, kept after a take-down to announce the cancellation."""

    id = fields.IntField(primary_key=True)
    entry: fields.OneToOneRelation[Entry] = fields.OneToOneField(
        "buletin.Entry", related_name=False, on_delete=fields.CASCADE
    )
    # RFC 5545 SEQUENCE: raised on every change subscribers must apply over their copy.
    sequence = fields.IntField(default=0)
    # What the entry looked like when last listed; a different one means a new SEQUENCE.
    fingerprint = fields.CharField(max_length=64)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "calendar_item"
