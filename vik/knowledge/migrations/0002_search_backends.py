"""The full-text index of knowledge_searchentry, one per database (see search_index.py).

PostgreSQL: a generated tsvector column over the lemmatised documents, with a GIN index.
SQLite: an FTS5 table whose rowid is the entry's id, kept in sync by the services.
Other databases get nothing (VIK supports these two).
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """
    ALTER TABLE knowledge_searchentry ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, document_title), 'A')
        || setweight(to_tsvector('simple'::regconfig, document_body), 'B')
    ) STORED
    """,
    "CREATE INDEX knowledge_searchentry_vector ON knowledge_searchentry USING gin (search_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_searchentry_vector",
    "ALTER TABLE knowledge_searchentry DROP COLUMN IF EXISTS search_vector",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE knowledge_searchentry_fts USING fts5(title, body, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO knowledge_searchentry_fts (rowid, title, body) "
    "SELECT id, document_title, document_body FROM knowledge_searchentry",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS knowledge_searchentry_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_articles")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
