"""Tasks take ids and call one function; each is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import embeddings


@task()
def embed_entry_task(entry_id: int, version_id: int) -> None:
    """The passage embedding of a search entry, once its text is committed (a no-op when a
    newer version has replaced the text meanwhile: its own task embeds it)."""
    embeddings.embed_entry(entry_id=entry_id, version_id=version_id)


@task()
def embed_missing_task() -> None:
    """Embeds whatever lacks an embedding of the current model (after a model change)."""
    embeddings.embed_missing()
