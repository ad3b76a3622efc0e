"""Searching the live articles a reader may see: lexical, semantic, or both fused."""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from vik.core import memo
from vik.core.text import fold

from .. import analysis, embeddings, lexicon, search_index, vocabulary
from ..models import Article, ArticleVersion, SearchEntry, Synonym
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

# Field weights of the lexical score: a query word in the title (and the phrasings people
# use, indexed with it) says more than one somewhere in the text.
TITLE_FIELD = 1.0
BODY_FIELD = 0.55
PARTIAL_PHRASE = 0.5  # a phrase alternative ("řidičský průkaz") only partly found
TYPO_FACTOR = 0.85  # an alternative the typo correction guessed
LEXICAL_BACKEND_SHARE = 0.15  # of the lexical score: the backend's own rank (bm25, ts_rank)
# Of the lexical score: the share of the title's terms the query matched, so that "Vydání
# občanského průkazu" comes before "Potřebuje dítě občanský průkaz?" for "občanka".
TITLE_DENSITY_SHARE = 0.1
# The fused score: the lexical score, and the semantic cosine mapped to 0-1 between
# SEMANTIC_FLOOR (anything: e5's cosines are compressed) and SEMANTIC_FLOOR + SEMANTIC_SPAN.
LEXICAL_SHARE = 0.6
SEMANTIC_FLOOR = 0.80
SEMANTIC_SPAN = 0.10
# The relevance cut-off: a hit is shown when its score is at least CUTOFF_ABSOLUTE and at
# least CUTOFF_RELATIVE of the best hit's; fewer, better results instead of padding.
CUTOFF_ABSOLUTE = 0.12
WEAK_ONLY_FACTOR = 0.3  # an entry that has only the query's weak words
# An entry whose strong words matched only as typo guesses, other strong words not at all.
GUESSED_ONLY_FACTOR = 0.3
CUTOFF_RELATIVE = 0.5


@dataclass
class TermMatch:
    """How one query word matched one entry: the alternative, in which field, how well."""

    word: str
    alternative: str
    source: str
    field: str  # "title", "body" or ""
    score: float
    weight: float


@dataclass
class RankedHit:
    """A candidate of a search, shown or not, with every part of its score."""

    article_id: int
    entry_id: int
    lexical: float = 0.0
    backend: float = 0.0
    matches: list[TermMatch] = field(default_factory=list)
    cosine: float | None = None
    semantic: float = 0.0
    boost: float = 0.0
    score: float = 0.0
    shown: bool = False
    title: str = ""


@dataclass
class SearchExplanation:
    """Why a search found what it found (the editors' search debug view)."""

    query: str
    mode: str
    words: list[lexicon.QueryWord]
    corrections: list[tuple[str, list[tuple[str, int]]]]
    synonyms: int
    ranked: list[RankedHit]
    cutoff: float
    learning: bool


def article_search(
    *,
    query: str,
    viewer: Viewer,
    limit: int = 10,
    territory: Territory | None = None,
    language: str = "cs",
    mode: str = "fused",
    cutoff_relative: float = CUTOFF_RELATIVE,
) -> list[SearchHit]:
    """The live articles `viewer` may read in `territory` that match `query`, best first, only
    those that pass the relevance cut-off (possibly none).

    The query is planned first (`lexicon.plan`): each meaningful word with its alternatives
    from the colloquial lexicon and the editors' synonyms ("řidičák" also as "řidičský
    průkaz"), weak words ("vyřídit", "potřebuji") weighted down, and words the index has never
    seen corrected to the closest terms it has (`vocabulary`: "prukas" -> "prukaz").
    `lexical`: the database's full-text index (`search_index`) finds the candidates; each is
    scored by the weighted share of the query's words it has, a word in the title above one
    in the body, plus a little of the backend's rank. `semantic`: by the cosine of e5
    embeddings (`embeddings`), which finds "ztratil jsem doklady" in an article on a lost
    identity card. `fused` (the default): both scores blended, plus what was learnt from use
    (`learning.boosts`, when present). Snippets are the lexical ones (matched words marked),
    else the start of the summary. `cutoff_relative`: the share of the best hit's score a hit
    needs (a clerk's suggestions take a lower one than a citizen's search: related guidance
    helps them).
    """
    hits, _explanation = article_search_explained(
        query=query,
        viewer=viewer,
        limit=limit,
        territory=territory,
        language=language,
        mode=mode,
        cutoff_relative=cutoff_relative,
    )
    return hits


def article_search_explained(
    *,
    query: str,
    viewer: Viewer,
    limit: int = 10,
    territory: Territory | None = None,
    language: str = "cs",
    mode: str = "fused",
    cutoff_relative: float = CUTOFF_RELATIVE,
) -> tuple[list[SearchHit], SearchExplanation]:
    """`article_search`, and why: the plan of the query and every candidate's score parts,
    those below the cut-off too."""
    if mode not in SEARCH_MODES:
        raise ValueError(f"unknown search mode {mode!r}")
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    depth = max(limit * 3, 30)
    entries = SearchEntry.objects.filter(article__in=articles_for(viewer, territory))
    alias = entries.db or "default"
    # The query is embedded and every vector scored in a thread while this one plans the query
    # and the database runs the lexical search.
    scored = (
        None
        if mode == "lexical" or not query.strip()
        else embeddings.semantic_scores_soon(query, limit=depth, alias=alias)
    )
    synonyms = synonyms_for(territory)
    words = lexicon.plan(query, synonyms)
    explanation = SearchExplanation(
        query=query,
        mode=mode,
        words=words,
        corrections=[],
        synonyms=len(synonyms),
        ranked=[],
        cutoff=0.0,
        learning=_learning_boosts() is not None,
    )
    if not words:
        if scored is not None:
            scored.cancel()
        return [], explanation
    if mode != "semantic":
        explanation.corrections = _correct(words, vocabulary.vocabulary_cache.get(alias))
    candidates: dict[int, RankedHit] = {}
    if mode != "semantic":
        for hit in _lexical_ranking(words, entries, depth * 2, language):
            candidates[hit.article_id] = hit
    # What was learnt for the query, read before waiting for the embedding: all of the query's
    # associations (a handful at most), not only the candidates', which are known only after it.
    boosts = _learning_boosts()
    learned = boosts(query, None) if boosts is not None and mode == "fused" else {}
    if scored is not None:
        scores = scored.result()
        for entry_id, article_id, cosine in _semantic_ranking(query, entries, depth, scores):
            hit = candidates.setdefault(article_id, RankedHit(article_id, entry_id))
            hit.cosine = cosine
        if mode == "fused":
            # A lexical candidate outside the semantic list (its margin keeps only the few
            # closest, near copies of one text can fill it) has a cosine all the same: the rows
            # were scored already. Without it, it would count as meaning nothing.
            unscored = [hit.entry_id for hit in candidates.values() if hit.cosine is None]
            cosines = embeddings.entry_cosines(scores, unscored)
            for hit in candidates.values():
                if hit.cosine is None:
                    hit.cosine = cosines.get(hit.entry_id)
        for hit in candidates.values():
            if hit.cosine is not None:
                hit.semantic = max(0.0, min(1.0, (hit.cosine - SEMANTIC_FLOOR) / SEMANTIC_SPAN))
    for article_id, boost in learned.items():
        if article_id in candidates:
            candidates[article_id].boost = float(boost)
    # Fused, when the words found nothing at all ("rybářák", a question in English), meaning
    # is all there is: the semantic score alone, as the semantic mode has it, not its share.
    words_found = any(hit.lexical > 0 for hit in candidates.values())
    for hit in candidates.values():
        if mode == "lexical":
            hit.score = hit.lexical
        elif mode == "semantic" or not words_found:
            hit.score = hit.semantic + (hit.boost if mode == "fused" else 0.0)
        else:
            hit.score = LEXICAL_SHARE * hit.lexical + (1 - LEXICAL_SHARE) * hit.semantic + hit.boost
    ranked = sorted(candidates.values(), key=lambda hit: (-hit.score, hit.article_id))
    best = ranked[0].score if ranked else 0.0
    cutoff = max(CUTOFF_ABSOLUTE, cutoff_relative * best)
    explanation.cutoff = cutoff
    explanation.ranked = ranked[: max(depth, limit)]
    shown = [hit for hit in ranked if hit.score >= cutoff][:limit]
    # Only the hits shown are read whole (with their article and version), in one query.
    rows = (
        SearchEntry.objects.select_related("article", "version")
        .defer("embedding", "phrasing_embeddings", "document_title", "document_body")
        .in_bulk([hit.entry_id for hit in shown])
    )
    groups = [word.all_terms() for word in words]
    hits: list[SearchHit] = []
    for hit in shown:
        entry = rows.get(hit.entry_id)
        if entry is None:  # archived since the ranking read it
            continue
        hit.shown = True
        hit.title = entry.version.title
        text = entry.plain_text if hit.matches else (entry.version.summary or entry.plain_text)
        hits.append(
            SearchHit(
                article=entry.article,
                version=entry.version,
                score=round(min(hit.score, 1.0), 4),
                snippet=snippet(text, groups, language=entry.language),
            )
        )
    return hits, explanation


def synonyms_for(territory: Territory | None) -> tuple[tuple[str, str], ...]:
    """(term, expansion) of the editors' synonyms that apply in `territory`: those of every
    region and of its regions (all of them where the territory is unknown or everywhere)."""
    regions = (
        None
        if territory is None or territory.region_ids is None
        else tuple(sorted(territory.region_ids))
    )

    def read() -> tuple[tuple[str, str], ...]:
        rows = Synonym.objects.all()
        if regions is not None:
            rows = rows.filter(Q(region__isnull=True) | Q(region_id__in=regions))
        return tuple(rows.order_by("term", "pk").values_list("term", "expansion")[:2000])

    # Read by every search: remembered for `VIK_CONFIG_MEMO_SECONDS` per process, forgotten at
    # once when this process changes a synonym (`KnowledgeConfig.ready`).
    return memo.configured(("knowledge.synonyms", regions), read)


@lru_cache(maxsize=1)
def _learning_boosts() -> Any:
    """`vik.knowledge.learning.boosts(query, article_ids | None) -> {article id: boost}` (None:
    every article the query led to) when that module exists (learning from use), else None.
    Looked up by name: the module is optional."""
    try:
        module = importlib.import_module("vik.knowledge.learning")
    except ImportError:
        return None
    return getattr(module, "boosts", None)


def _correct(
    words: Sequence[lexicon.QueryWord], vocab: vocabulary.Vocabulary
) -> list[tuple[str, list[tuple[str, int]]]]:
    """Words the index does not know (and the lexicon did not expand) get the closest terms it
    has as alternatives: (word, [(term, distance)]) of each word corrected."""
    corrected: list[tuple[str, list[tuple[str, int]]]] = []
    if not len(vocab):
        return corrected
    for word in words:
        if not word.terms or word.expansions or any(term in vocab for term in word.terms):
            continue
        typed = fold(word.text).lower()
        found: list[tuple[str, int]] = []
        for candidate in [typed, *sorted(word.terms - {typed})]:
            for term, distance in vocab.corrections(candidate):
                if all(term != known for known, _d in found):
                    found.append((term, distance))
            if found:
                break
        if found:
            for term, _distance in found:
                word.expansions.append(lexicon.Expansion("typo", term, (frozenset({term}),)))
            corrected.append((word.text, found))
    return corrected


def _phrase_score(phrase: lexicon.Phrase, title: set[str], body: set[str]) -> tuple[float, str]:
    """How well an entry has a phrase: 1 in the title, BODY_FIELD in the body, part of it
    PARTIAL_PHRASE of that; and the field ("title", "body", "title+body" or "")."""
    total = 0.0
    fields: set[str] = set()
    found = 0
    for group in phrase:
        if group & title:
            total += TITLE_FIELD
            fields.add("title")
            found += 1
        elif group & body:
            total += BODY_FIELD
            fields.add("body")
            found += 1
    if not found:
        return 0.0, ""
    score = total / len(phrase)
    if found < len(phrase):
        score *= PARTIAL_PHRASE
    return score, "+".join(sorted(fields, reverse=True))


def _lexical_ranking(
    words: Sequence[lexicon.QueryWord],
    entries: QuerySet[SearchEntry],
    depth: int,
    language: str,
) -> list[RankedHit]:
    """One entry per article (the reader's language's where it matched, else the best), best
    first, with the article's best lexical score in 0-1 and which query words it matched
    where."""
    strong = [word.all_terms() for word in words if not word.weak]
    groups = strong or [word.all_terms() for word in words]
    found = search_index.index_query(groups=groups, entries=entries, limit=depth)
    if not found:
        return []
    best_rank = max(row.score for row in found) or 1.0
    weight_total = sum(word.weight for word in words) or 1.0
    every_term = frozenset().union(*(word.all_terms() for word in words))
    scored: list[tuple[float, bool, RankedHit]] = []
    for row in found:
        title = set(row.document_title.split())
        body = set(row.document_body.split())
        matches: list[TermMatch] = []
        coverage = 0.0
        for word in words:
            best: TermMatch | None = None
            for expansion_text, phrase, source in _alternatives(word):
                score, where = _phrase_score(phrase, title, body)
                if source == "typo":
                    score *= TYPO_FACTOR
                if score and (best is None or score > best.score):
                    best = TermMatch(word.text, expansion_text, source, where, score, word.weight)
            if best is not None:
                matches.append(best)
                coverage += word.weight * best.score
        backend = max(row.score, 0.0) / best_rank
        matched_title = title & every_term
        density = len(matched_title) / len(title) if title else 0.0
        lexical = (1 - LEXICAL_BACKEND_SHARE - TITLE_DENSITY_SHARE) * coverage / weight_total
        lexical += LEXICAL_BACKEND_SHARE * backend + TITLE_DENSITY_SHARE * density
        if strong and all(match.weight < 1.0 for match in matches):
            lexical *= WEAK_ONLY_FACTOR
        elif _guessed_only(matches, strong):
            lexical *= GUESSED_ONLY_FACTOR
        hit = RankedHit(row.article_id, row.pk, lexical=lexical, backend=backend, matches=matches)
        scored.append((lexical, row.language == language[:2], hit))
    scored.sort(key=lambda item: (-item[0], not item[1], item[2].entry_id))
    # The reader's language's entry of each article that has one among the candidates: an
    # English reader's "identity card" also matches the Czech text through the lexicon, and
    # may match it better, but the English version is the one to show.
    own: dict[int, RankedHit] = {}
    for _score, same_language, hit in scored:
        if same_language:
            own.setdefault(hit.article_id, hit)
    result: list[RankedHit] = []
    seen: set[int] = set()
    for _score, _same_language, hit in scored:
        if hit.article_id in seen:
            continue
        seen.add(hit.article_id)
        shown = own.get(hit.article_id, hit)
        shown.lexical = hit.lexical  # ranked by the article's best entry
        result.append(shown)
    return result


def _guessed_only(matches: Sequence[TermMatch], strong: Sequence[frozenset[str]]) -> bool:
    """Whether an entry matched only through the typo correction's guesses while other strong
    words of the query matched nothing: "xyzzy kvantova fyzika" is not about "fyzická osoba"."""
    strong_matches = [match for match in matches if match.weight >= 1.0]
    return (
        bool(strong_matches)
        and all(match.source == "typo" for match in strong_matches)
        and len(strong_matches) < len(strong)
    )


def _alternatives(word: lexicon.QueryWord) -> list[tuple[str, lexicon.Phrase, str]]:
    own = [(word.text, (word.terms,), "query")] if word.terms else []
    return own + [(e.text, e.phrase, e.source) for e in word.expansions]


def _semantic_ranking(
    query: str, entries: QuerySet[SearchEntry], depth: int, scored: embeddings.Scores
) -> list[tuple[int, int, float]]:
    """(entry id, article id, cosine): one entry per article, best first."""
    found = embeddings.semantic_query(query=query, entries=entries, limit=depth, scored=scored)
    result: list[tuple[int, int, float]] = []
    seen: set[int] = set()
    for entry_id, article_id, score in found:
        if article_id in seen:
            continue
        seen.add(article_id)
        result.append((entry_id, article_id, score))
    return result


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


def article_titles(article_ids: Sequence[int], *, language: str = "cs") -> dict[int, str]:
    """{article id: the title readers see}, in `language` where the article has it."""
    titles: dict[int, str] = {}
    rows = SearchEntry.objects.filter(article_id__in=list(article_ids)).values_list(
        "article_id", "language", "version__title"
    )
    for article_id, entry_language, title in rows:
        if article_id not in titles or entry_language == language[:2]:
            titles[article_id] = title
    return titles
