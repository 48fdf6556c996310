from tortoise import migrations
from tortoise.migrations import operations as ops
from service.content.enums import EntryKind, EntryStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("version", fields.BigIntField(default=0)),
            ],
            options={
                "table": "content_version",
                "app": "buletin",
                "pk_attr": "id",
                "table_description": "One row whose counter every content change bumps: the public result cache keys on it.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Topic",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=80)),
                ("position", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "topic", "app": "buletin", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Entry",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="NEWS: news\nEVENT: event\nCALL: call",
                        enum_type=EntryKind,
                        max_length=16,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=EntryStatus.DRAFT,
                        description="DRAFT: draft\nSCHEDULED: scheduled\nPUBLISHED: published\nARCHIVED: archived",
                        enum_type=EntryStatus,
                        max_length=16,
                    ),
                ),
                ("publish_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "published_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "first_published_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("cover_image_url", fields.CharField(null=True, max_length=500)),
                ("organisers", fields.CharField(null=True, max_length=500)),
                ("starts_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("ends_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("venue", fields.CharField(null=True, max_length=300)),
                ("online_url", fields.CharField(null=True, max_length=500)),
                ("registration_url", fields.CharField(null=True, max_length=500)),
                ("opens_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("deadline", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("apply_url", fields.CharField(null=True, max_length=500)),
                ("budget", fields.CharField(null=True, max_length=200)),
                (
                    "topics",
                    fields.ManyToManyField(
                        "buletin.Topic",
                        unique=True,
                        db_constraint=True,
                        through="entry_topic",
                        forward_key="topic_id",
                        backward_key="entry_id",
                        related_name="entries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
            ],
            options={
                "table": "entry",
                "app": "buletin",
                "indexes": [
                    Index(fields=["status", "published_at"]),
                    Index(fields=["kind", "status", "starts_at"]),
                    Index(fields=["kind", "status", "deadline"]),
                ],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="EntryTranslation",
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
                        related_name="translations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("locale", fields.CharField(max_length=16)),
                ("title", fields.CharField(max_length=300)),
                ("slug", fields.CharField(max_length=200)),
                ("summary", fields.TextField(default="", unique=False)),
                ("body_html", fields.TextField(default="", unique=False)),
                ("eligibility", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "entry_translation",
                "app": "buletin",
                "unique_together": (("entry", "locale"), ("locale", "slug")),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TopicTranslation",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "topic",
                    fields.ForeignKeyField(
                        "buletin.Topic",
                        source_field="topic_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="translations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("locale", fields.CharField(max_length=16)),
                ("name", fields.CharField(max_length=120)),
            ],
            options={
                "table": "topic_translation",
                "app": "buletin",
                "unique_together": (("topic", "locale"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        # The result cache reads this one row on every public request; it must exist from the start.
        ops.RunSQL(
            "INSERT INTO content_version (id, version) VALUES (1, 0)",
            reverse_sql="DELETE FROM content_version WHERE id = 1",
        ),
    ]
