from tortoise import migrations
from tortoise.migrations import operations as ops

# Every API process LISTENs on this channel to drop cached answers without a query per
# request (service/api/versions.py). NOTIFY inside the bumping transaction is delivered at
# commit, so no process sees the new version before the new content. PostgreSQL only:
# SQLite has one process, which reads the version periodically.
CREATE = """
CREATE OR REPLACE FUNCTION buletin_notify_content_version() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('buletin_content_version', NEW.version::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER content_version_notify AFTER UPDATE ON content_version
  FOR EACH ROW EXECUTE FUNCTION buletin_notify_content_version();
"""
DROP = """
DROP TRIGGER IF EXISTS content_version_notify ON content_version;
DROP FUNCTION IF EXISTS buletin_notify_content_version();
"""


def _on_postgres(sql):
    async def run(apps, schema_editor):
        if schema_editor.client.capabilities.dialect == "postgres":
            await schema_editor.client.execute_script(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("buletin", "0006_feeds")]

    initial = False

    operations = [
        ops.RunPython(_on_postgres(CREATE), _on_postgres(DROP)),
    ]
