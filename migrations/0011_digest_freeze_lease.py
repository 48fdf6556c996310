from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("buletin", "0010_suppressed_addresses")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Digest",
            name="freeze_lease_until",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
