from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("buletin", "0009_digests_more")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SuppressedAddress",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("address_hash", fields.CharField(unique=True, max_length=64)),
                ("reason", fields.CharField(max_length=255)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "suppressed_address",
                "app": "buletin",
                "pk_attr": "id",
                "table_description": "An address suppressed with no subscriber row behind it: listed by an import before",
            },
            bases=["Model"],
        ),
    ]
