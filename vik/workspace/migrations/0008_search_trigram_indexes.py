"""Trigram indexes on the folded subject, message text and contact name that the request list's
search reads (`vik.conversations.selectors._text_search`, `vik.core.search.Folded`).

PostgreSQL only (SQLite folds in Python and scans); they need the pg_trgm extension."""

from django.db import migrations

from vik.core.search import folded_trigram_index_sql

INDEXES = (
    ("request_subject_folded_trgm", "conversations_request", "subject"),
    ("interaction_text_folded_trgm", "conversations_interaction", "text"),
    ("contact_name_folded_trgm", "contacts_contact", "name"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(folded_trigram_index_sql(name=name, table=table, column=column))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0007_list_columns"),
        ("conversations", "0015_request_updated_index"),
        ("contacts", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
