"""Reading articles: what a reader may see where, search, review lists, versions and diffs.

Who may read what is `permissions.articles_readable`; *where* is the territory: a centre's local
variant of a shared article replaces the shared one for readers in the centre's territory, and
a region's articles are for that region. Without a territory readers get the shared articles.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from vik.core import clock
from vik.tenancy import permissions
from vik.tenancy.selectors import centre_competent
from vik.territory.models import Municipality
from vik.topics.models import Topic

from . import analysis, embeddings, search_index
from .choices import ArticleKind, ArticleState, Language, UsageKind
from .models import Article, ArticleAttachment, ArticleVersion, SearchEntry, UsageEvent
from .rendering import DiffRow, diff_rows, version_lines

SEARCH_LIMIT_MAX = 50
SNIPPET_WORDS = 30
SNIPPET_CONTEXT = 8  # words shown before the first match
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Territory:
    """Where the reader is: None region_ids means every region (a superuser's workspace)."""

    region_ids: frozenset[int] | None
    centre_ids: frozenset[int]


def territory_for_municipality(municipality: Municipality) -> Territory:
    """A citizen's municipality: its region, and the centre competent for it."""
    centre = centre_competent(region=municipality.region, municipality=municipality, topic=None)
    return Territory(
        region_ids=frozenset({municipality.region_id}),
        centre_ids=frozenset({centre.pk} if centre else set()),
    )


def territory_for_request(
    *, region_id: int, centre_id: int | None, municipality: Municipality | None
) -> Territory:
    """Where a citizen's request comes from: its region, its centre and the centre competent
    for its municipality (their local variants replace the shared articles), whoever reads it."""
    centres = set(territory_for_municipality(municipality).centre_ids) if municipality else set()
    if centre_id is not None:
        centres.add(centre_id)
    return Territory(region_ids=frozenset({region_id}), centre_ids=frozenset(centres))


def territory_for_staff(user: Any) -> Territory:
    """A member of staff reads as a member of their centres and regions."""
    scope = permissions.scope_for(user)
    return Territory(
        region_ids=None if scope.is_superuser else frozenset(scope.region_ids),
        centre_ids=frozenset(scope.centre_roles),
    )


def _territory_q(territory: Territory | None) -> Q:
    if territory is None:
        return Q(variant_of__isnull=True)
    place = Q()
    if territory.region_ids is not None:
        place = Q(region__isnull=True) | Q(region_id__in=sorted(territory.region_ids))
    centres = sorted(territory.centre_ids)
    replaced = Exists(
        Article.objects.filter(
            variant_of=OuterRef("pk"),
            centre_id__in=centres,
            published_version__isnull=False,
            audience=OuterRef("audience"),
        )
    )
    shared = Q(variant_of__isnull=True) & ~replaced
    local = Q(variant_of__isnull=False, centre_id__in=centres)
    return place & (shared | local)


def articles_for(viewer: Any, territory: Territory | None = None) -> QuerySet[Article]:
    """The live articles `viewer` reads in `territory` (a citizen: an AnonymousUser)."""
    return Article.objects.filter(permissions.articles_readable(viewer)).filter(
        _territory_q(territory)
    )


def reader_version(article: Article, language: str) -> ArticleVersion:
    """The published text in the reader's language, Czech when there is no translation."""
    if language.startswith("en") and article.published_version_en is not None:
        return article.published_version_en
    assert article.published_version is not None  # readers only get live articles
    return article.published_version


# The portal --------------------------------------------------------------------------------


def _with_descendants(topic: Topic) -> list[int]:
    return [topic.pk, *Topic.objects.filter(parent=topic).values_list("pk", flat=True)]


def article_browse(
    *,
    viewer: Any,
    territory: Territory | None = None,
    topic: Topic | None = None,
    kind: str = "",
    limit: int = 200,
) -> list[Article]:
    """Live articles by title, of a topic (and its subtopics) and/or a kind."""
    queryset = articles_for(viewer, territory)
    if topic is not None:
        queryset = queryset.filter(topic_id__in=_with_descendants(topic))
    if kind:
        queryset = queryset.filter(kind=kind)
    return list(
        queryset.select_related("published_version", "published_version_en", "topic").order_by(
            "published_version__title", "pk"
        )[:limit]
    )


def topic_counts(*, viewer: Any, territory: Territory | None = None) -> list[tuple[Topic, int]]:
    """The top-level topics that have live articles (their subtopics' included), with counts."""
    per_topic = dict(
        articles_for(viewer, territory)
        .filter(topic__isnull=False)
        .values("topic_id")
        .annotate(count=Count("pk"))
        .values_list("topic_id", "count")
    )
    topics = Topic.objects.filter(is_active=True).select_related("parent")
    roots: Counter[int] = Counter()
    for topic in topics:
        if topic.pk in per_topic:
            roots[topic.parent_id or topic.pk] += per_topic[topic.pk]
    return [
        (topic, roots[topic.pk]) for topic in topics if topic.parent_id is None and roots[topic.pk]
    ]


def kind_counts(*, viewer: Any, territory: Territory | None = None) -> list[tuple[str, str, int]]:
    """(kind, label, count) of the kinds that have live articles, in the standard order."""
    counts = dict(
        articles_for(viewer, territory)
        .values("kind")
        .annotate(count=Count("pk"))
        .values_list("kind", "count")
    )
    return [
        (kind, str(label), counts[kind]) for kind, label in ArticleKind.choices if counts.get(kind)
    ]


def article_for_reader(*, slug: str, viewer: Any, territory: Territory | None = None) -> Article:
    """The live article `viewer` may read, or 404 (the same for a missing and a forbidden one).

    In a territory whose centre has a local variant, the variant comes instead.
    """
    article = (
        Article.objects.filter(permissions.articles_readable(viewer), slug=slug)
        .select_related("published_version", "published_version_en", "topic", "centre", "region")
        .first()
    )
    if article is None:
        raise Http404
    if territory is not None and article.variant_of_id is None and territory.centre_ids:
        variant = (
            Article.objects.filter(
                permissions.articles_readable(viewer),
                variant_of=article,
                centre_id__in=sorted(territory.centre_ids),
            )
            .order_by("pk")
            .first()
        )
        if variant is not None:
            return variant
    return article


def related_for_reader(
    *, article: Article, viewer: Any, territory: Territory | None = None
) -> list[Article]:
    return list(
        articles_for(viewer, territory)
        .filter(related=article)
        .select_related("published_version", "published_version_en")
        .order_by("published_version__title")
    )


# Search ---------------------------------------------------------------------------------------


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
    viewer: Any,
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
    ranked = ranked[:limit]
    # Only the hits shown are read whole (with their article and version), in one query.
    rows = (
        SearchEntry.objects.select_related("article", "version")
        .defer("embedding", "document_title", "document_body")
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


# The staff workspace ----------------------------------------------------------------------


def with_title(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Annotates `current_title`: the title of the newest Czech version, draft or published."""
    newest = ArticleVersion.objects.filter(article=OuterRef("pk"), language=Language.CZECH)
    return queryset.annotate(current_title=Subquery(newest.order_by("-number").values("title")[:1]))


def articles_for_staff(user: Any) -> QuerySet[Article]:
    """Every article the user may read, write or review, in any state."""
    return Article.objects.filter(
        permissions.articles_readable(user)
        | permissions.articles_authored(user)
        | permissions.articles_reviewed(user)
    )


def article_staff_list(
    *, user: Any, state: str = "", kind: str = "", mine: bool = False, limit: int = 200
) -> list[Article]:
    queryset = articles_for_staff(user)
    if state:
        queryset = queryset.filter(state=state)
    if kind:
        queryset = queryset.filter(kind=kind)
    if mine:
        queryset = queryset.filter(owners=user)
    return list(
        with_title(queryset)
        .select_related("topic", "region", "centre")
        .order_by("-updated_at", "-pk")[:limit]
    )


def article_get_for_staff(*, user: Any, pk: int) -> Article:
    article = (
        articles_for_staff(user)
        .select_related(
            "published_version", "published_version_en", "topic", "region", "centre",
            "variant_of__published_version",
        )
        .filter(pk=pk)
        .first()
    )  # fmt: skip
    if article is None:
        raise Http404
    return article


def article_versions(*, article: Article) -> list[ArticleVersion]:
    return list(article.versions.select_related("author").order_by("-number"))


def version_get(*, article: Article, number: int) -> ArticleVersion:
    version = article.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def latest_version(*, article: Article, language: str = Language.CZECH) -> ArticleVersion | None:
    return article.versions.filter(language=language).order_by("-number").first()


def version_diff(*, old: ArticleVersion, new: ArticleVersion) -> list[DiffRow]:
    return diff_rows(version_lines(old.content()), version_lines(new.content()))


def articles_awaiting_review(*, user: Any) -> list[Article]:
    """Articles submitted for review that the user may publish."""
    return list(
        with_title(
            Article.objects.filter(
                permissions.articles_reviewed(user), state=ArticleState.IN_REVIEW
            )
        )
        .select_related("region", "centre")
        .order_by("updated_at", "pk")
    )


def _live_in_review_scope(user: Any) -> QuerySet[Article]:
    return with_title(
        Article.objects.filter(
            permissions.articles_reviewed(user) | Q(owners=user),
            published_version__isnull=False,
            review_by__isnull=False,
        ).exclude(state=ArticleState.ARCHIVED)
    )


def articles_lapsed(*, user: Any, today: dt.date | None = None) -> list[Article]:
    """Live articles whose review date has passed: for the coordinator who keeps them valid,
    the reviewers of their scope, and their owners."""
    today = today or clock.today()
    return list(
        _live_in_review_scope(user)
        .filter(review_by__lt=today)
        .select_related("region", "centre")
        .distinct()
        .order_by("review_by", "pk")
    )


def articles_due_for_review(
    *, user: Any, today: dt.date | None = None, days: int | None = None
) -> list[Article]:
    """Live articles whose review date comes within `days` (VIK_KNOWLEDGE_REVIEW_NOTICE_DAYS)."""
    today = today or clock.today()
    days = settings.VIK_KNOWLEDGE_REVIEW_NOTICE_DAYS if days is None else days
    return list(
        _live_in_review_scope(user)
        .filter(review_by__gte=today, review_by__lte=today + dt.timedelta(days=days))
        .select_related("region", "centre")
        .distinct()
        .order_by("review_by", "pk")
    )


def articles_for_export(*, audience: str = "", region: Any = None) -> QuerySet[Article]:
    """Every live article (for the operator: no permission applies), shared ones before their
    local variants, so that the export imports in one pass."""
    queryset = Article.objects.filter(published_version__isnull=False)
    if audience:
        queryset = queryset.filter(audience=audience)
    if region is not None:
        queryset = queryset.filter(region=region)
    return (
        queryset.select_related(
            "published_version", "published_version_en", "topic", "region", "centre",
            "variant_of",
        )
        .prefetch_related("tags")
        .order_by(F("variant_of").asc(nulls_first=True), "pk")
    )  # fmt: skip


# Usage metrics -----------------------------------------------------------------------------

METRICS_TOP = 20


@dataclass(frozen=True)
class ArticleUsage:
    article: Article
    title: str
    views: int = 0
    helpful: int = 0
    not_helpful: int = 0
    used_in_replies: int = 0


@dataclass(frozen=True)
class UsageMetrics:
    searches: int
    searches_empty: int
    empty_queries: list[tuple[str, int]]  # the content gaps: most frequent first
    views: list[ArticleUsage]
    feedback: list[ArticleUsage]
    used_in_replies: list[ArticleUsage]
    deflected: int


def usage_metrics(
    *,
    user: Any,
    start: dt.datetime,
    end: dt.datetime,
    topic: Topic | None = None,
    centre: Any = None,
) -> UsageMetrics:
    """The knowledge centre's usage in [start, end) that the user's metrics count
    (`permissions.knowledge_usage_visible`), of a topic (and its subtopics) and a centre."""
    events = UsageEvent.objects.filter(
        permissions.knowledge_usage_visible(user), created_at__gte=start, created_at__lt=end
    )
    if centre is not None:
        events = events.filter(centre=centre)
    by_kind = dict(
        events.values_list("kind").annotate(count=Count("pk")).values_list("kind", "count")
    )
    empty_queries = list(
        events.filter(kind=UsageKind.SEARCH_EMPTY)
        .exclude(query="")
        .values_list("query")
        .annotate(count=Count("pk"))
        .order_by("-count", "query")
        .values_list("query", "count")[:METRICS_TOP]
    )
    if topic is not None:  # searches have no topic: the topic narrows the articles' figures
        events = events.filter(topic_id__in=_with_descendants(topic))
    per_article = events.filter(article__isnull=False)
    counts: dict[int, dict[str, int]] = {}
    for article_id, kind, count in (
        per_article.values_list("article_id", "kind").annotate(count=Count("pk")).order_by()
    ):
        counts.setdefault(article_id, {})[kind] = count
    articles = {
        article.pk: article for article in with_title(Article.objects.filter(pk__in=sorted(counts)))
    }
    rows = [
        ArticleUsage(
            article=articles[pk],
            title=getattr(articles[pk], "current_title", "") or articles[pk].slug,
            views=kinds.get(UsageKind.ARTICLE_VIEW, 0),
            helpful=kinds.get(UsageKind.HELPFUL, 0),
            not_helpful=kinds.get(UsageKind.NOT_HELPFUL, 0),
            used_in_replies=kinds.get(UsageKind.USED_IN_REPLY, 0),
        )
        for pk, kinds in counts.items()
        if pk in articles
    ]

    def top(key: Any) -> list[ArticleUsage]:
        chosen = [row for row in rows if key(row)]
        return sorted(chosen, key=lambda row: (-key(row), row.title))[:METRICS_TOP]

    deflected = (
        events.filter(kind=UsageKind.DEFLECTED).count()
        if topic is not None
        else by_kind.get(UsageKind.DEFLECTED, 0)
    )
    return UsageMetrics(
        searches=by_kind.get(UsageKind.SEARCH, 0) + by_kind.get(UsageKind.SEARCH_EMPTY, 0),
        searches_empty=by_kind.get(UsageKind.SEARCH_EMPTY, 0),
        empty_queries=empty_queries,
        views=top(lambda row: row.views),
        feedback=top(lambda row: row.helpful + row.not_helpful),
        used_in_replies=top(lambda row: row.used_in_replies),
        deflected=deflected,
    )


def article_attachments(*, article: Article) -> list[ArticleAttachment]:
    return list(article.attachments.all())


def attachments_for_reader(*, article: Article) -> list[ArticleAttachment]:
    """The forms to download on a live article's page: its own; a local variant without any
    offers the shared article's (the same forms, usually: the variant changes fees and
    addresses). Each links to the article it belongs to."""
    own = list(article.attachments.select_related("article"))
    if own or article.variant_of_id is None:
        return own
    return list(
        ArticleAttachment.objects.filter(
            article_id=article.variant_of_id, article__published_version__isnull=False
        ).select_related("article")
    )


def attachment_get(*, article: Article, pk: int) -> ArticleAttachment:
    """An attachment of the article (the caller has checked the reader may read it), or 404."""
    attachment = article.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment
