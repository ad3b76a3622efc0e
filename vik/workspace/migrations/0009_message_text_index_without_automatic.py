"""The trigram index on the folded message text holds only the messages people wrote: VIK's
automatic ones (acknowledgements with their reference and tracking address, invitations to rate,
texts) and mail servers' auto-replies are not searched (`_text_search`), and indexing them cost
each incoming e-mail a second message's trigrams (bench/README.md, e-mail benchmark).

PostgreSQL only, as 0008."""

from django.db import migrations

from vik.core.search import folded_trigram_index_sql

OLD = "interaction_text_folded_trgm"
NEW = "interaction_person_text_folded_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        folded_trigram_index_sql(
            name=NEW, table="conversations_interaction", column="text", where="NOT is_automatic"
        )
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        folded_trigram_index_sql(name=OLD, table="conversations_interaction", column="text")
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {NEW}")


class Migration(migrations.Migration):
    dependencies = [("workspace", "0008_search_trigram_indexes")]

    operations = [migrations.RunPython(create, drop)]
