from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("buletin", "0007_content_version_notify")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Subscriber",
            name="confirmation_lease_until",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="Subscriber",
            name="confirmation_requests",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name="Subscriber",
            name="confirmations_sent",
            field=fields.IntField(default=0, db_default=0),
        ),
    ]
