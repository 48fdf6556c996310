"""Audit rows are only ever inserted, inside the transaction of the change they describe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from service.staff.models import StaffUser


class AuditEvent(Model):
    id = fields.BigIntField(primary_key=True)
    actor: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "buletin.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # A stable event name, e.g. "entry.published", "staff.login_failed".
    action = fields.CharField(max_length=64)
    entry_id = fields.IntField(null=True)
    target = fields.CharField(max_length=120, null=True)
    details: dict[str, Any] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_event"
        indexes = (Index(fields=("entry_id", "id")),)
