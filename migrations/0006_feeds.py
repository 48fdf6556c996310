from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("buletin", "0005_search")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CalendarItem",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "entry",
                    fields.OneToOneField(
                        "buletin.Entry",
                        source_field="entry_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("sequence", fields.IntField(default=0)),
                ("fingerprint", fields.CharField(max_length=64)),
                (
                    "cancelled_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "calendar_item",
                "app": "buletin",
                "pk_attr": "id",
                "table_description": "An entry a calendar has listed, kept after a take-down to announce the cancellation.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FeedSnapshot",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("path", fields.CharField(unique=True, max_length=255)),
                ("body", fields.BinaryField()),
                ("etag", fields.CharField(max_length=80)),
                ("last_modified", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("rendered_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("entry_ids", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("source_version", fields.BigIntField(default=0)),
            ],
            options={
                "table": "feed_snapshot",
                "app": "buletin",
                "pk_attr": "id",
                "table_description": "One rendered feed, served as stored and re-rendered when its content may have changed.",
            },
            bases=["Model"],
        ),
    ]
