from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from service.audience.enums import DeliveryStatus, DigestFrequency, DigestStatus, SubscriberStatus
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("buletin", "0003_staff_notices")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Digest",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "frequency",
                    fields.CharEnumField(
                        description="DAILY: daily\nWEEKLY: weekly",
                        enum_type=DigestFrequency,
                        max_length=16,
                    ),
                ),
                ("period_start", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("period_end", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=DigestStatus.PLANNING,
                        description="PLANNING: planning\nSENDING: sending\nSENT: sent",
                        enum_type=DigestStatus,
                        max_length=16,
                    ),
                ),
                ("content", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("planned_through", fields.IntField(default=0)),
                ("recipients", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("sent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "digest",
                "app": "buletin",
                "unique_together": (("frequency", "period_end"),),
                "pk_attr": "id",
                "table_description": "One issue of the newsletter for one frequency and period.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Subscriber",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("email", fields.CharField(unique=True, max_length=254)),
                ("locales", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ("topics", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("kinds", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                (
                    "frequency",
                    fields.CharEnumField(
                        description="DAILY: daily\nWEEKLY: weekly",
                        enum_type=DigestFrequency,
                        max_length=16,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        description="PENDING: pending\nACTIVE: active\nUNSUBSCRIBED: unsubscribed\nSUPPRESSED: suppressed",
                        enum_type=SubscriberStatus,
                        max_length=16,
                    ),
                ),
                (
                    "consented_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("source", fields.CharField(max_length=32)),
                ("ip_address", fields.CharField(null=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "confirmed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "unsubscribed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("suppressed_reason", fields.CharField(null=True, max_length=255)),
            ],
            options={
                "table": "subscriber",
                "app": "buletin",
                "indexes": [Index(fields=["status", "frequency", "id"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Delivery",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "digest",
                    fields.ForeignKeyField(
                        "buletin.Digest",
                        source_field="digest_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "subscriber",
                    fields.ForeignKeyField(
                        "buletin.Subscriber",
                        source_field="subscriber_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=DeliveryStatus.QUEUED,
                        description="QUEUED: queued\nSENDING: sending\nACCEPTED: accepted\nFAILED: failed\nSKIPPED: skipped",
                        enum_type=DeliveryStatus,
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
                "table": "delivery",
                "app": "buletin",
                "unique_together": (("digest", "subscriber"),),
                "indexes": [
                    Index(fields=["digest_id", "status", "id"]),
                    Index(fields=["status", "lease_until"]),
                ],
                "pk_attr": "id",
                "table_description": "One digest to one subscriber: the ledger row that makes sending idempotent.",
            },
            bases=["Model"],
        ),
    ]
