from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("buletin", "0008_audience_more")]

    initial = False

    operations = [
        ops.AddField(
            model_name="StaffNotice",
            name="published_by",
            field=fields.ForeignKeyField(
                "buletin.StaffUser",
                source_field="published_by_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
    ]
