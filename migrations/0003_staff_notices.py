from tortoise import migrations
from tortoise.migrations import operations as ops
from service.notices.enums import NoticeStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("buletin", "0002_staff_revisions_outbox")]

    initial = False

    operations = [
        ops.CreateModel(
            name="StaffNotice",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "entry",
                    fields.ForeignKeyField(
                        "buletin.Entry",
                        source_field="entry_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "staff",
                    fields.ForeignKeyField(
                        "buletin.StaffUser",
                        source_field="staff_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=NoticeStatus.QUEUED,
                        description="QUEUED: queued\nSENDING: sending\nACCEPTED: accepted\nFAILED: failed",
                        enum_type=NoticeStatus,
                        max_length=16,
                    ),
                ),
                ("attempts", fields.IntField(default=0)),
                (
                    "lease_until",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("last_error", fields.TextField(null=True, unique=False)),
                (
                    "accepted_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "staff_notice",
                "app": "buletin",
                "unique_together": (("entry", "staff"),),
                "indexes": [Index(fields=["status", "lease_until"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
