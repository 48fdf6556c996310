from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from service.staff.enums import StaffRole
from service.staff.models import default_notify_on
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("buletin", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="OutboxEvent",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("topic", fields.CharField(max_length=64)),
                (
                    "payload",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "dispatched_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("attempts", fields.IntField(default=0)),
            ],
            options={
                "table": "outbox_event",
                "app": "buletin",
                "indexes": [Index(fields=["dispatched_at", "id"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="StaffUser",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("email", fields.CharField(unique=True, max_length=254)),
                ("name", fields.CharField(max_length=120)),
                (
                    "role",
                    fields.CharEnumField(
                        description="ADMIN: admin\nEDITOR: editor\nAUTHOR: author",
                        enum_type=StaffRole,
                        max_length=16,
                    ),
                ),
                ("locale", fields.CharField(default="sq", max_length=16)),
                ("is_active", fields.BooleanField(default=True)),
                ("password_hash", fields.CharField(max_length=255)),
                (
                    "notify_on",
                    fields.JSONField(
                        default=default_notify_on,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "last_login_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={"table": "staff_user", "app": "buletin", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "staff",
                    fields.ForeignKeyField(
                        "buletin.StaffUser",
                        source_field="staff_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="api_tokens",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=120)),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "last_used_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "api_token",
                "app": "buletin",
                "pk_attr": "id",
                "table_description": "A long-lived, named bearer token (build servers, previews) acting as its owner.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AuditEvent",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "buletin.StaffUser",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("action", fields.CharField(max_length=64)),
                ("entry_id", fields.IntField(null=True)),
                ("target", fields.CharField(null=True, max_length=120)),
                (
                    "details",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "audit_event",
                "app": "buletin",
                "indexes": [Index(fields=["entry_id", "id"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Revision",
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
                        related_name="revisions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("number", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "buletin.StaffUser",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("note", fields.CharField(default="", max_length=200)),
                (
                    "snapshot",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "revision",
                "app": "buletin",
                "unique_together": (("entry", "number"),),
                "pk_attr": "id",
                "table_description": "A snapshot of an entry as saved: fields, translations and topic slugs.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="StaffSession",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "staff",
                    fields.ForeignKeyField(
                        "buletin.StaffUser",
                        source_field="staff_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "last_seen_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("address", fields.CharField(null=True, max_length=64)),
            ],
            options={
                "table": "staff_session",
                "app": "buletin",
                "pk_attr": "id",
                "table_description": "A sign-in from `login`: an opaque bearer token with an expiry.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Entry",
            name="created_by",
            field=fields.ForeignKeyField(
                "buletin.StaffUser",
                source_field="created_by_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ops.AddField(
            model_name="Entry",
            name="submitted_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="Entry",
            name="updated_by",
            field=fields.ForeignKeyField(
                "buletin.StaffUser",
                source_field="updated_by_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
    ]
