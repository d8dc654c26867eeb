"""The full-text side of the index, per database (neither has a portable Django field).

SQLite: an FTS5 table over the two token columns, with the content kept in
search_searchdocument (external content) and synchronised by triggers, so that bulk inserts
(the benchmark's) are indexed too. Note: a later migration that makes Django rebuild
search_searchdocument on SQLite drops these triggers; it must run `SQLITE` again.

PostgreSQL: a generated tsvector column over the same two columns with the 'simple'
configuration (the text is already segmented and normalised), title words weighted A and body
words B, and a GIN index.
"""

from typing import Any

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_tokens, tokens, "
    "content='search_searchdocument', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, title_tokens, tokens) "
    "VALUES (new.id, new.title_tokens, new.tokens); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_tokens, tokens) "
    "VALUES ('delete', old.id, old.title_tokens, old.tokens); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_tokens, tokens) "
    "VALUES ('delete', old.id, old.title_tokens, old.tokens); "
    "INSERT INTO search_fts(rowid, title_tokens, tokens) "
    "VALUES (new.id, new.title_tokens, new.tokens); END",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRESQL = [
    "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, tokens), 'B')) STORED",
    "CREATE INDEX search_document_vector ON search_searchdocument USING GIN (search_vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor: Any, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def install(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRESQL})


def uninstall(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
