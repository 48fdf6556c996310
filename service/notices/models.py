"""The notice ledger: one row per (entry, staff member), whatever retries happen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from service.notices.enums import NoticeStatus

if TYPE_CHECKING:
    from service.content.models import Entry
    from service.staff.models import StaffUser


class StaffNotice(Model):
    id = fields.IntField(primary_key=True)
    entry: fields.ForeignKeyRelation[Entry] = fields.ForeignKeyField(
        "buletin.Entry", related_name=False, on_delete=fields.CASCADE
    )
    staff: fields.ForeignKeyRelation[StaffUser] = fields.ForeignKeyField(
        "buletin.StaffUser", related_name=False, on_delete=fields.CASCADE
    )
    # Who published the entry (from the outbox event), so a resumed send says it too.
    published_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "buletin.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharEnumField(NoticeStatus, max_length=16, default=NoticeStatus.QUEUED)
    attempts = fields.IntField(default=0)
    # A claim expires: a worker that died mid-send leaves it for another to take.
    lease_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_notice"
        unique_together = (("entry", "staff"),)
        indexes = (Index(fields=("status", "lease_until")),)
