"""Full-text search over each translation's title, summary and body text.

PostgreSQL: a stored generated tsvector (text search configuration `buletin_search`:
the simple parser and dictionary, with `unaccent` first, so case and accents never
matter) and a GIN index. SQLite: an FTS5 table (unicode61 tokenizer with
remove_diacritics) over entry_translation, kept in step by triggers. Either way every
write path, the ORM's or a raw one, keeps the index current.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

from service.content.search import html_text

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION buletin_search (COPY = pg_catalog.simple)",
    "ALTER TEXT SEARCH CONFIGURATION buletin_search"
    " ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part"
    " WITH unaccent, simple",
    "ALTER TABLE entry_translation ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    " setweight(to_tsvector('buletin_search'::regconfig, coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('buletin_search'::regconfig, coalesce(summary, '')), 'B')"
    " || setweight(to_tsvector('buletin_search'::regconfig, coalesce(body_text, '')), 'C')"
    ") STORED",
    "CREATE INDEX entry_translation_search_idx ON entry_translation USING GIN (search_vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS entry_translation_search_idx",
    "ALTER TABLE entry_translation DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS buletin_search",
]

_FTS_ROW = "new.id, new.title, new.summary, new.body_text"
_FTS_DELETE = (
    "INSERT INTO entry_translation_fts(entry_translation_fts, rowid, title, summary, body_text)"
    " VALUES ('delete', old.id, old.title, old.summary, old.body_text);"
)
_FTS_INSERT = (
    f"INSERT INTO entry_translation_fts(rowid, title, summary, body_text) VALUES ({_FTS_ROW});"
)
SQLITE = [
    "CREATE VIRTUAL TABLE entry_translation_fts USING fts5("
    "title, summary, body_text, content='entry_translation', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER entry_translation_fts_ai AFTER INSERT ON entry_translation BEGIN {_FTS_INSERT} END",
    f"CREATE TRIGGER entry_translation_fts_ad AFTER DELETE ON entry_translation BEGIN {_FTS_DELETE} END",
    "CREATE TRIGGER entry_translation_fts_au AFTER UPDATE ON entry_translation"
    f" BEGIN {_FTS_DELETE} {_FTS_INSERT} END",
    "INSERT INTO entry_translation_fts(entry_translation_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS entry_translation_fts_ai",
    "DROP TRIGGER IF EXISTS entry_translation_fts_ad",
    "DROP TRIGGER IF EXISTS entry_translation_fts_au",
    "DROP TABLE IF EXISTS entry_translation_fts",
]


def _is_postgres(schema_editor) -> bool:
    return schema_editor.client.capabilities.dialect == "postgres"


async def fill_body_text(apps, schema_editor) -> None:
    """Rows written before this migration get their body's text once."""
    client = schema_editor.client
    _, rows = await client.execute_query("SELECT id, body_html FROM entry_translation")
    mark = "$" if _is_postgres(schema_editor) else "?"
    for row in rows:
        await client.execute_query(
            f"UPDATE entry_translation SET body_text = {mark}1 WHERE id = {mark}2",
            [html_text(row["body_html"] or ""), row["id"]],
        )


async def _run(schema_editor, statements) -> None:
    for statement in statements:
        await schema_editor.client.execute_script(statement)


async def create_search_index(apps, schema_editor) -> None:
    await _run(schema_editor, POSTGRES if _is_postgres(schema_editor) else SQLITE)


async def drop_search_index(apps, schema_editor) -> None:
    await _run(schema_editor, POSTGRES_REVERSE if _is_postgres(schema_editor) else SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("buletin", "0004_audience")]

    initial = False

    operations = [
        ops.AddField(
            model_name="EntryTranslation",
            name="body_text",
            field=fields.TextField(default="", db_default="", unique=False),
        ),
        ops.RunPython(fill_body_text, ops.RunPython.noop),
        ops.RunPython(create_search_index, drop_search_index),
    ]
