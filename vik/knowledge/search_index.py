"""The lexical search index and its two backends, behind three functions.

PostgreSQL: a generated `tsvector` column on knowledge_searchentry (title terms weighted A, body
terms B, the `simple` configuration: the terms are already lemmatised and folded) with a GIN
index, ranked by `ts_rank`. SQLite: an FTS5 table whose rowid is the entry's id, ranked by
`bm25` with the title weighted ten times the body. Both are created by migration 0002; the
services call `index_put` and `index_remove` in the transaction that publishes or archives, so
the index never disagrees with what readers may see.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.db import connection, connections
from django.db.models import QuerySet

from . import analysis, vocabulary
from .embeddings import vector_cache
from .models import Article, ArticleVersion, SearchEntry
from .rendering import version_plain_text

FTS_TABLE = "knowledge_searchentry_fts"
TITLE_WEIGHT = 10.0  # FTS5 bm25 column weight; PostgreSQL's A vs B weights are 1.0 vs 0.4
# PostgreSQL ranks every entry that matches: a word in most entries ("obec" in 50,000 articles
# of municipalities) costs 80 ms and tells little. On a large index, the query words that
# match the most entries are left out of the lexical query until the words kept are
# estimated to match at most MATCH_BUDGET entries (the rarest word always stays, and the
# caller still counts every word in its coverage ranking; semantic search still reads all).
# The frequencies are PostgreSQL's own statistics of the tsvector column (ANALYZE).
MATCH_BUDGET = 3000
STATISTICS_SECONDS = 300.0
# A query word estimated to match at most this many entries brings its own best entries to the
# candidates (`index_query`).
RARE_MATCHES = 500
_statistics: dict[str, tuple[float, float, dict[str, float]]] = {}
_statistics_lock = threading.Lock()


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def index_put(*, article: Article, version: ArticleVersion) -> SearchEntry:
    """Make `version` the searchable text of the article in its language."""
    content = version.content()
    # The phrasings ("how people ask") weigh as the title: they say what the article is for.
    title_text = " ".join([version.title, version.question, *version.questions])
    plain = version_plain_text(content)
    old = (
        SearchEntry.objects.filter(article=article, language=version.language)
        .values_list("document_title", "document_body")
        .first()
    )
    entry, _created = SearchEntry.objects.update_or_create(
        article=article,
        language=version.language,
        defaults={
            "version": version,
            "document_title": analysis.document_terms(title_text, version.language),
            "document_body": analysis.document_terms(plain, version.language),
            "plain_text": plain,
            # The old text's vector no longer says what the entry says; the task computes it.
            "embedding": None,
            "embedding_model": "",
            "phrasing_embeddings": None,
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
    vocabulary.entry_terms_changed(
        old=_terms(*old) if old else (),
        new=_terms(entry.document_title, entry.document_body),
    )
    vector_cache.touch()
    vocabulary.vocabulary_cache.touch()
    return entry


def _terms(title: str, body: str) -> set[str]:
    return set(title.split()) | set(body.split())


def index_remove(*, article: Article) -> None:
    """The article is no longer searchable, in any language."""
    rows = list(
        SearchEntry.objects.filter(article=article).values_list(
            "pk", "document_title", "document_body"
        )
    )
    if not rows:
        return
    ids = [pk for pk, _title, _body in rows]
    for _pk, title, body in rows:
        vocabulary.entry_terms_changed(old=_terms(title, body), new=())
    if _is_sqlite():
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)  # noqa: S608
    SearchEntry.objects.filter(pk__in=ids).delete()
    vector_cache.touch()
    vocabulary.vocabulary_cache.touch()


class IndexRow(NamedTuple):
    """An entry the lexical index found, with what ranking it needs."""

    pk: int
    score: float  # higher is better; comparable within one query and one backend only
    article_id: int
    language: str
    document_title: str
    document_body: str


def index_query(
    *, groups: Sequence[frozenset[str]], entries: QuerySet[SearchEntry], limit: int
) -> list[IndexRow]:
    """The `entries` that contain any term of any group, best first."""
    if not groups:
        return []
    own_best: Sequence[frozenset[str]] = ()
    if not _is_sqlite():
        groups = _informative(groups, entries.db or "default")
        own_best = _rare(groups, entries.db or "default") if len(groups) > 1 else ()
    visible_sql, visible_params = entries.values("pk").query.sql_with_params()
    columns = "e.article_id, e.language, e.document_title, e.document_body"
    if _is_sqlite():
        match = " OR ".join(
            "(" + " OR ".join(f'"{term}"' for term in sorted(group)) + ")" for group in groups
        )
        sql = (
            f"SELECT e.id, -bm25({FTS_TABLE}, %s, 1.0) AS score, {columns} "  # noqa: S608
            f"FROM {FTS_TABLE} JOIN knowledge_searchentry e ON e.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid IN ({visible_sql}) "
            "ORDER BY score DESC, e.id LIMIT %s"
        )
        params: list[Any] = [TITLE_WEIGHT, match, *visible_params, limit]
    else:
        alternatives = [" | ".join(f"'{term}'" for term in sorted(group)) for group in groups]
        tsquery = " | ".join(f"({alternative})" for alternative in alternatives)
        # ts_rank knows no rarity: thousands of entries with a common query word in their
        # titles ("domu" in "Pronájem kulturního domu – <obec>") would fill the `limit` best
        # and crowd out the few with the query's rare words ("obědy" in a body). So each rare
        # word also brings its own best entries (the caller ranks them all by every word); a
        # rare word's few entries cost little to rank, a common word's are ranked once only.
        best = (
            "(SELECT e.id FROM knowledge_searchentry e WHERE e.search_vector @@ "
            "to_tsquery('simple', %s) AND e.id IN ({visible}) "
            "ORDER BY ts_rank(e.search_vector, to_tsquery('simple', %s)) DESC, e.id LIMIT %s)"
        ).replace("{visible}", visible_sql)
        parts = [best]
        params = [tsquery, *visible_params, tsquery, limit]
        for group, alternative in zip(groups, alternatives, strict=True):
            if group in own_best:
                parts.append(best)
                params += [alternative, *visible_params, alternative, max(limit // 4, 10)]
        sql = (
            f"SELECT e.id, ts_rank(e.search_vector, to_tsquery('simple', %s)) AS score, "  # noqa: S608
            f"{columns} FROM knowledge_searchentry e WHERE e.id IN ({' UNION '.join(parts)}) "
            "ORDER BY score DESC, e.id"
        )
        params = [tsquery, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            IndexRow(int(pk), float(score), int(article_id), language, title, body)
            for pk, score, article_id, language, title, body in cursor.fetchall()
        ]


def _term_frequencies(alias: str) -> tuple[float, dict[str, float]]:
    """(entries, {term: share of entries}) for the frequent terms, from pg_stats; cached."""
    now = time.monotonic()
    with _statistics_lock:
        cached = _statistics.get(alias)
        if cached is not None and now - cached[0] < STATISTICS_SECONDS:
            return cached[1], cached[2]
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs "
            "FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = current_schema() "
            "AND s.tablename = c.relname AND s.attname = 'search_vector' "
            "WHERE c.relname = 'knowledge_searchentry' AND c.relnamespace = "
            "current_schema()::regnamespace"
        )
        row = cursor.fetchone()
    rows = float(row[0]) if row and row[0] else 0.0
    frequencies: dict[str, float] = {}
    if row and row[1] and row[2]:
        frequencies = dict(zip(row[1], (float(value) for value in row[2]), strict=False))
    with _statistics_lock:
        _statistics[alias] = (now, rows, frequencies)
    return rows, frequencies


def _rare(groups: Sequence[frozenset[str]], alias: str) -> list[frozenset[str]]:
    """The groups estimated to match at most RARE_MATCHES entries (all without statistics)."""
    rows, frequencies = _term_frequencies(alias)
    return [
        group
        for group in groups
        if rows * max(frequencies.get(term, 0.0) for term in group) <= RARE_MATCHES
    ]


def _informative(groups: Sequence[frozenset[str]], alias: str) -> Sequence[frozenset[str]]:
    """The query's groups without the most common ones, within MATCH_BUDGET (PostgreSQL)."""
    rows, frequencies = _term_frequencies(alias)
    if rows <= MATCH_BUDGET or not frequencies:
        return groups

    def matches(group: frozenset[str]) -> float:  # at least; terms not in the statistics: 0
        return rows * max(frequencies.get(term, 0.0) for term in group)

    kept = sorted(groups, key=matches)
    while len(kept) > 1 and sum(matches(group) for group in kept) > MATCH_BUDGET:
        kept.pop()
    return [group for group in groups if group in kept]
