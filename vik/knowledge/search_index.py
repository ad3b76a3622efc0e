"""The lexical search index and its two backends, behind three functions.

PostgreSQL: a generated `tsvector` column on knowledge_searchentry (title terms weighted A, body
terms B, the `simple` configuration: the terms are already lemmatised and folded) with a GIN
index, ranked by `ts_rank`. SQLite: an FTS5 table whose rowid is the entry's id, ranked by
`bm25` with the title weighted ten times the body. Both are created by migration 0002; the
services call `index_put` and `index_remove` in the transaction that publishes or archives, so
the index never disagrees with what readers may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from . import analysis
from .models import Article, ArticleVersion, SearchEntry
from .rendering import version_plain_text

FTS_TABLE = "knowledge_searchentry_fts"
TITLE_WEIGHT = 10.0  # FTS5 bm25 column weight; PostgreSQL's A vs B weights are 1.0 vs 0.4


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def index_put(*, article: Article, version: ArticleVersion) -> SearchEntry:
    """Make `version` the searchable text of the article in its language."""
    content = version.content()
    title_text = " ".join([version.title, version.question])
    plain = version_plain_text(content)
    entry, _created = SearchEntry.objects.update_or_create(
        article=article,
        language=version.language,
        defaults={
            "version": version,
            "document_title": analysis.document_terms(title_text, version.language),
            "document_body": analysis.document_terms(plain, version.language),
            "plain_text": plain,
        },
    )
    if _is_sqlite():
        with connection.cursor() as cursor:
            # Delete first: a row of an id SQLite gave out before (a flushed test database).
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [entry.pk])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                [entry.pk, entry.document_title, entry.document_body],
            )
    return entry


def index_remove(*, article: Article) -> None:
    """The article is no longer searchable, in any language."""
    ids = list(SearchEntry.objects.filter(article=article).values_list("pk", flat=True))
    if not ids:
        return
    if _is_sqlite():
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)  # noqa: S608
    SearchEntry.objects.filter(pk__in=ids).delete()


def index_query(
    *, groups: Sequence[frozenset[str]], entries: QuerySet[SearchEntry], limit: int
) -> list[tuple[int, float]]:
    """The ids of the `entries` that contain any term of any group, best first, with a score
    (higher is better; comparable within one query and one backend only)."""
    if not groups:
        return []
    visible_sql, visible_params = entries.values("pk").query.sql_with_params()
    if _is_sqlite():
        match = " OR ".join(
            "(" + " OR ".join(f'"{term}"' for term in sorted(group)) + ")" for group in groups
        )
        sql = (
            f"SELECT rowid, -bm25({FTS_TABLE}, %s, 1.0) AS score FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({visible_sql}) "
            "ORDER BY score DESC, rowid LIMIT %s"
        )
        params: list[Any] = [TITLE_WEIGHT, match, *visible_params, limit]
    else:
        tsquery = " | ".join(
            "(" + " | ".join(f"'{term}'" for term in sorted(group)) + ")" for group in groups
        )
        sql = (
            "SELECT e.id, ts_rank(e.search_vector, q) AS score "  # noqa: S608
            "FROM knowledge_searchentry e, to_tsquery('simple', %s) q "
            f"WHERE e.search_vector @@ q AND e.id IN ({visible_sql}) "
            "ORDER BY score DESC, e.id LIMIT %s"
        )
        params = [tsquery, *visible_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]
