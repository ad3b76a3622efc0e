"""The knowledge centre's usage metrics: searches (and what found nothing), views, feedback,
uses in replies and deflected requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet

from vik.tenancy import permissions
from vik.topics.models import Topic

from ..choices import UsageKind
from ..models import Article, UsageEvent
from .articles import with_title
from .readers import topic_and_subtopic_ids

if TYPE_CHECKING:
    from vik.tenancy.models import InformationCentre
    from vik.tenancy.types import StaffUser

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
    user: StaffUser,
    start: dt.datetime,
    end: dt.datetime,
    topic: Topic | None = None,
    centre: InformationCentre | None = None,
) -> UsageMetrics:
    """The knowledge centre's usage in [start, end) that the user's metrics count
    (`permissions.knowledge_usage_visible`), of a topic (and its subtopics) and a centre."""
    events = UsageEvent.objects.filter(
        permissions.knowledge_usage_visible(user), created_at__gte=start, created_at__lt=end
    )
    if centre is not None:
        events = events.filter(centre=centre)
    return usage_metrics_of(events, topic=topic)


def usage_metrics_of(events: QuerySet[UsageEvent], *, topic: Topic | None = None) -> UsageMetrics:
    """The metrics of these usage events (already narrowed to a reader, a period, centres):
    the page's and the knowledge report's one computation."""
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
        events = events.filter(topic_id__in=topic_and_subtopic_ids(topic))
    per_article = events.filter(article__isnull=False)
    counts: dict[int, dict[str, int]] = {}
    for article_id, kind, count in (
        per_article.values_list("article_id", "kind").annotate(count=Count("pk")).order_by()
    ):
        counts.setdefault(article_id, {})[kind] = count
    deflected = (
        events.filter(kind=UsageKind.DEFLECTED).count()
        if topic is not None
        else by_kind.get(UsageKind.DEFLECTED, 0)
    )
    return usage_metrics_counted(by_kind, empty_queries, counts, deflected)


def usage_metrics_counted(
    by_kind: dict[str, int],
    empty_queries: list[tuple[str, int]],
    counts: dict[int, dict[str, int]],
    deflected: int,
) -> UsageMetrics:
    """The metrics from counted events: per kind, the most frequent searches without a result
    (at most `METRICS_TOP`, most frequent first, then by text), per article and kind (of the
    topic, if any), the deflected requests (of the topic, if any). Also what the reports'
    daily counts give (`vik.reports.daily`)."""
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

    return UsageMetrics(
        searches=by_kind.get(UsageKind.SEARCH, 0) + by_kind.get(UsageKind.SEARCH_EMPTY, 0),
        searches_empty=by_kind.get(UsageKind.SEARCH_EMPTY, 0),
        empty_queries=empty_queries,
        views=top(lambda row: row.views),
        feedback=top(lambda row: row.helpful + row.not_helpful),
        used_in_replies=top(lambda row: row.used_in_replies),
        deflected=deflected,
    )
