"""Searching the live articles a reader may see: lexical, semantic, or both fused."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .. import analysis, embeddings, learning, search_index
from ..models import Article, ArticleVersion, SearchEntry
from .readers import Territory, articles_for

if TYPE_CHECKING:
    from vik.tenancy.types import Viewer

SEARCH_LIMIT_MAX = 50
SNIPPET_WORDS = 30
SNIPPET_CONTEXT = 8  # words shown before the first match
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class SearchHit:
    article: Article
    version: ArticleVersion
    score: float
    snippet: SafeString


SEARCH_MODES = ("fused", "lexical", "semantic")
RRF_K = 60  # reciprocal rank fusion: an article's score is the sum of 1 / (RRF_K + rank)


def article_search(
    *,
    query: str,
    viewer: Viewer,
    limit: int = 10,
    territory: Territory | None = None,
    language: str = "cs",
    mode: str = "fused",
) -> list[SearchHit]:
    """The live articles `viewer` may read in `territory` that match `query`, best first.

    `lexical`: over lemmatised and folded terms (`analysis`), in the database's own full-text
    index (`search_index`); articles matching more of the query's words come first, then by
    the backend's rank. `semantic`: by the cosine of e5 embeddings (`embeddings`), which finds
    "ztratil jsem doklady" in an article on a lost identity card. `fused` (the default):
    reciprocal rank fusion of both rankings, so an article both find comes before one that
    only one finds. One hit per article; both rankings search the same `articles_for` entries.
    Snippets are the lexical ones (matched words marked), else the start of the summary.
    """
    if mode not in SEARCH_MODES:
        raise ValueError(f"unknown search mode {mode!r}")
    groups = analysis.query_terms(query)
    if not groups:
        return []
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    depth = max(limit * 3, 30)
    entries = SearchEntry.objects.filter(article__in=articles_for(viewer, territory))
    # The query is embedded in a thread while the database runs the lexical search.
    vector = None if mode == "lexical" else embeddings.query_vector_soon(query)
    lexical = [] if mode == "semantic" else _lexical_ranking(groups, entries, depth, language)
    semantic = [] if vector is None else _semantic_ranking(query, entries, depth, vector.result())
    if mode == "lexical":
        ranked = lexical
    elif mode == "semantic":
        ranked = semantic
    else:
        ranked = _fuse(lexical, semantic)
        ranked = _learned(query, ranked)  # learning from use: one call, a small boost
    ranked = ranked[:limit]
    # Only the hits shown are read whole (with their article and version), in one query.
    rows = (
        SearchEntry.objects.select_related("article", "version")
        .defer("embedding", "phrasing_embeddings", "document_title", "document_body")
        .in_bulk([candidate.pk for candidate, _score in ranked])
    )
    hits: list[SearchHit] = []
    lexical_ids = {candidate.article_id for candidate, _score in lexical}
    for candidate, score in ranked:
        entry = rows.get(candidate.pk)
        if entry is None:  # archived since the ranking read it
            continue
        if entry.article_id in lexical_ids:
            text = entry.plain_text
        else:
            text = entry.version.summary or entry.plain_text
        hits.append(
            SearchHit(
                article=entry.article,
                version=entry.version,
                score=round(score, 4),
                snippet=snippet(text, groups, language=entry.language),
            )
        )
    return hits


class _Candidate(NamedTuple):
    """An entry in a ranking: which one, of which article."""

    pk: int
    article_id: int


def _lexical_ranking(
    groups: Sequence[frozenset[str]], entries: QuerySet[SearchEntry], depth: int, language: str
) -> list[tuple[_Candidate, float]]:
    """One entry per article (its best language, the reader's on a tie), best first, with a
    score in 0-1: half the share of the query's words it has, half the backend's rank."""
    found = search_index.index_query(groups=groups, entries=entries, limit=depth)
    if not found:
        return []
    best_rank = max(row.score for row in found) or 1.0
    ranked: list[tuple[int, bool, float, search_index.IndexRow]] = []
    for row in found:
        terms = set(row.document_title.split()) | set(row.document_body.split())
        coverage = sum(1 for group in groups if group & terms)
        ranked.append((coverage, row.language == language[:2], row.score, row))
    ranked.sort(key=lambda item: (-item[0], not item[1], -item[2], item[3].pk))
    result: list[tuple[_Candidate, float]] = []
    seen: set[int] = set()
    for coverage, _same_language, score, row in ranked:
        if row.article_id in seen:
            continue
        seen.add(row.article_id)
        combined = 0.5 * coverage / len(groups) + 0.5 * max(score, 0.0) / best_rank
        result.append((_Candidate(row.pk, row.article_id), combined))
    return result


def _semantic_ranking(
    query: str, entries: QuerySet[SearchEntry], depth: int, vector: Any
) -> list[tuple[_Candidate, float]]:
    """One entry per article, by cosine, best first."""
    found = embeddings.semantic_query(query=query, entries=entries, limit=depth, vector=vector)
    result: list[tuple[_Candidate, float]] = []
    seen: set[int] = set()
    for entry_id, article_id, score in found:
        if article_id in seen:
            continue
        seen.add(article_id)
        result.append((_Candidate(entry_id, article_id), score))
    return result


_Ranked = TypeVar("_Ranked", _Candidate, SearchEntry)


def _fuse(*rankings: list[tuple[_Ranked, float]]) -> list[tuple[_Ranked, float]]:
    """Reciprocal rank fusion of rankings of articles; the entry shown is the one of the first
    ranking that has the article (the lexical one: its snippet marks the words). Scores are
    scaled to 0-1, 1 for an article first in every ranking."""
    scores: dict[int, float] = {}
    shown: dict[int, _Ranked] = {}
    for ranking in rankings:
        for rank, (entry, _score) in enumerate(ranking, start=1):
            scores[entry.article_id] = scores.get(entry.article_id, 0.0) + 1.0 / (RRF_K + rank)
            shown.setdefault(entry.article_id, entry)
    best_possible = len(rankings) / (RRF_K + 1)
    first_seen = {article_id: index for index, article_id in enumerate(shown)}
    order = sorted(scores, key=lambda article_id: (-scores[article_id], first_seen[article_id]))
    return [(shown[article_id], scores[article_id] / best_possible) for article_id in order]


def _learned(query: str, ranked: list[tuple[_Ranked, float]]) -> list[tuple[_Ranked, float]]:
    """Learning from use (`learning.boosts`): the articles this query led to helpfully before
    get a small additive boost (at most VIK_KNOWLEDGE_LEARNING_BOOST of the 0-1 fused score),
    and the ranking is sorted again (stable: ties keep their order)."""
    boost = learning.boosts(query, [candidate.article_id for candidate, _score in ranked])
    if not boost:
        return ranked
    scored = [
        (candidate, score + boost.get(candidate.article_id, 0.0)) for candidate, score in ranked
    ]
    return sorted(scored, key=lambda item: -item[1])


def snippet(
    text: str,
    groups: Sequence[frozenset[str]],
    *,
    language: str = "cs",
    length: int = SNIPPET_WORDS,
) -> SafeString:
    """The passage of `text` with the most query words, escaped, those words in <mark>."""
    wanted = frozenset().union(*groups) if groups else frozenset()
    found = list(analysis.words(text, (language,)))
    if not found:
        return mark_safe("")
    # Which of the query's words each word of the text is (none, for most).
    hit_groups = [
        frozenset(i for i, group in enumerate(groups) if word.terms & group)
        if word.terms & wanted
        else frozenset()
        for word in found
    ]
    matches = [bool(hit) for hit in hit_groups]
    start, best = 0, -1
    for index, matched in enumerate(matches):
        if not matched:
            continue
        begin = max(0, index - SNIPPET_CONTEXT)
        score = len(frozenset().union(*hit_groups[begin : begin + length]))
        if score > best:
            start, best = begin, score
            if best == len(groups):
                break  # every word of the query: no passage can be better
    end = min(len(found), start + length)
    parts = ["… " if start > 0 else escape(text[: found[0].start].lstrip())]
    for index in range(start, end):
        word = found[index]
        if index > start:
            parts.append(escape(_SPACES.sub(" ", text[found[index - 1].end : word.start])))
        raw = escape(text[word.start : word.end])
        parts.append(f"<mark>{raw}</mark>" if matches[index] else raw)
    if end < len(found):
        parts.append(" …")
    else:
        parts.append(escape(_SPACES.sub(" ", text[found[-1].end :]).rstrip()))
    return mark_safe("".join(parts).strip())  # noqa: S308 — every piece is escaped
