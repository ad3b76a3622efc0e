"""The knowledge report (issue 17 §3): article views, feedback, uses in replies, deflected
requests, searches and what found nothing; per period, with the top articles. The article and
search tables are the knowledge centre's own metrics (`usage_metrics_of`, the metrics page's
computation); this adds the figures per period bucket."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vik.core import clock
from vik.knowledge.choices import UsageKind
from vik.knowledge.models import UsageEvent
from vik.knowledge.selectors import (
    METRICS_TOP,
    ArticleUsage,
    UsageMetrics,
    topic_and_subtopic_ids,
    usage_metrics_counted,
)
from vik.tenancy.models import InformationCentre
from vik.topics.models import Topic

from .. import daily
from ..document import Chart, Column, ReportDocument, Section
from ..filters import ReportFilters, Scope
from ..registry import ReportSpec
from ..selectors.periods import bucket_of, bucket_trunc, buckets, period_bounds
from . import wording
from .wording import number, percent, share

FIGURES = {
    "views": UsageKind.ARTICLE_VIEW,
    "helpful": UsageKind.HELPFUL,
    "not_helpful": UsageKind.NOT_HELPFUL,
    "used_in_replies": UsageKind.USED_IN_REPLY,
    "deflected": UsageKind.DEFLECTED,
    "searches_found": UsageKind.SEARCH,
    "searches_empty": UsageKind.SEARCH_EMPTY,
}


def usage_events_of(filters: ReportFilters, scope: Scope) -> QuerySet[UsageEvent]:
    """The usage events of the period in the scope: the region's centres' (or the reader's
    centres') and, for a whole region, the portal's events that name no centre (what the
    metrics page counts too, `permissions.knowledge_usage_visible`)."""
    start, end = period_bounds(filters)
    events = UsageEvent.objects.filter(created_at__gte=start, created_at__lt=end)
    if scope.agent_id is not None:
        return events.none()  # counts of the centre, never one person's: not an agent's report
    if scope.centre_ids is None:  # the region's centres by id: no join per event
        centres = InformationCentre.objects.filter(region_id=scope.region_id)
        events = events.filter(
            Q(centre_id__in=list(centres.values_list("pk", flat=True))) | Q(centre__isnull=True)
        )
    else:
        events = events.filter(centre_id__in=sorted(scope.centre_ids))
    if filters.centre_ids:
        events = events.filter(centre_id__in=filters.centre_ids)
    return events


def _topic(filters: ReportFilters) -> Topic | None:
    if len(filters.topic_ids) != 1:
        return None
    return Topic.objects.filter(pk=filters.topic_ids[0]).first()


def _usage_conditions(filters: ReportFilters, scope: Scope) -> list[Q] | None:
    """`usage_events_of`'s scope on the daily counts; None: nothing (an agent)."""
    if scope.agent_id is not None:
        return None
    if scope.centre_ids is None:
        centres = InformationCentre.objects.filter(region_id=scope.region_id)
        conditions = [
            Q(centre_id__in=list(centres.values_list("pk", flat=True))) | Q(centre_id__isnull=True)
        ]
    else:
        conditions = [Q(centre_id__in=sorted(scope.centre_ids))]
    if filters.centre_ids:
        conditions.append(Q(centre_id__in=filters.centre_ids))
    return conditions


@dataclass
class UsageCounts:
    """The period's usage events counted: per bucket and kind, per kind, the searches without a
    result per text, per article and kind (of the topic), the deflected requests of the topic."""

    by_bucket: dict[dt.date, dict[str, int]] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    empty: dict[str, int] = field(default_factory=dict)
    per_article: dict[int, dict[str, int]] = field(default_factory=dict)
    deflected_of_topic: int = 0


def _add(found: dict[Any, int], key: Any, count: int) -> None:
    found[key] = found.get(key, 0) + count


def usage_counts(filters: ReportFilters, scope: Scope, topic: Topic | None) -> UsageCounts:
    """The whole days the refresher counted from their daily counts (`vik.reports.daily`), the
    rest (today) from the usage events, grouped alike and added."""
    counted, rest = daily.split(filters)
    conditions = _usage_conditions(filters, scope)
    # (per kind, per article, searches without a result, how they are counted)
    parts: list[tuple[QuerySet[Any], QuerySet[Any], QuerySet[Any], Any]] = []
    if counted is not None and conditions is not None:
        kinds: QuerySet[Any] = daily.counts_of(daily.USAGE, counted, *conditions)
        articles, searches = (
            daily.counts_by_months_of(source, counted, *conditions)
            for source in (daily.USAGE_ARTICLES, daily.USAGE_SEARCHES)
        )
        bucket = daily.bucket_of_day(filters.granularity)
        parts.append((kinds.annotate(bucket=bucket), articles, searches, Sum("n")))
    elif counted is not None:
        rest = filters
    if rest is not None:
        events = usage_events_of(rest, scope).annotate(
            bucket=bucket_trunc("created_at", rest.granularity), label=daily.usage_label()
        )
        parts.append((events, events, events, Count("pk")))
    found = UsageCounts()
    topic_ids = topic_and_subtopic_ids(topic) if topic is not None else None
    for kinds, articles, searches, counting in parts:
        for bucket, kind, count in (
            kinds.order_by().values_list("bucket", "kind").annotate(count=counting)
        ):
            _add(found.by_bucket.setdefault(bucket_of(bucket), {}), kind, count)
            _add(found.by_kind, kind, count)
        for label, count in (
            searches.filter(kind=UsageKind.SEARCH_EMPTY)
            .exclude(label="")
            .order_by()
            .values_list("label")
            .annotate(count=counting)
        ):
            _add(found.empty, label, count)
        if topic_ids is not None:
            articles = articles.filter(topic_id__in=topic_ids)
            found.deflected_of_topic += (
                kinds.filter(kind=UsageKind.DEFLECTED, topic_id__in=topic_ids).aggregate(
                    count=counting
                )["count"]
                or 0
            )
        for article_id, kind, count in (
            articles.filter(article_id__isnull=False)
            .order_by()
            .values_list("article_id", "kind")
            .annotate(count=counting)
        ):
            _add(found.per_article.setdefault(article_id, {}), kind, count)
    return found


def usage_metrics_from(counts: UsageCounts, topic: Topic | None) -> UsageMetrics:
    """What `usage_metrics_of` computes from the events, from their counts."""
    empty = sorted(counts.empty.items(), key=lambda item: (-item[1], item[0]))[:METRICS_TOP]
    deflected = (
        counts.deflected_of_topic
        if topic is not None
        else counts.by_kind.get(UsageKind.DEFLECTED, 0)
    )
    return usage_metrics_counted(counts.by_kind, empty, counts.per_article, deflected)


def _period_section(filters: ReportFilters, counts: dict[dt.date, dict[str, int]]) -> Section:
    rows = []
    for day in buckets(filters):
        found = counts.get(day, {})
        row: dict[str, Any] = {"period": wording.period_label(day, filters.granularity)}
        row.update({key: found.get(kind, 0) for key, kind in FIGURES.items()})
        rows.append(row)
    totals: dict[str, Any] = {"period": _("Total"), **wording.total_row(rows, FIGURES)}
    searches = totals["searches_found"] + totals["searches_empty"]
    summary = _(
        "Articles were read %(views)s times and used in %(replies)s replies; readers found "
        "%(helpful)s of %(rated)s ratings helpful; %(deflected)s requests were deflected; "
        "%(empty)s of %(searches)s searches found nothing (%(empty_share)s)."
    ) % {
        "views": number(totals["views"]),
        "replies": number(totals["used_in_replies"]),
        "helpful": number(totals["helpful"]),
        "rated": number(totals["helpful"] + totals["not_helpful"]),
        "deflected": number(totals["deflected"]),
        "empty": number(totals["searches_empty"]),
        "searches": number(searches),
        "empty_share": percent(share(totals["searches_empty"], searches)),
    }
    return Section(
        slug="knowledge_by_period",
        title=_("Knowledge use by period"),
        summary=summary,
        columns=[
            Column("period", _("Period"), "date"),
            Column("views", _("Article views"), "count"),
            Column("helpful", _("Helpful"), "count"),
            Column("not_helpful", _("Not helpful"), "count"),
            Column("used_in_replies", _("Used in replies"), "count"),
            Column("deflected", _("Requests deflected"), "count"),
            Column("searches_found", _("Searches with results"), "count"),
            Column("searches_empty", _("Searches without result"), "count"),
        ],
        rows=rows,
        row_drill=[{} for _row in rows],
        chart=Chart("line", "period", ("views", "used_in_replies", "deflected")),
        totals=totals,
    )


def _article_row(usage: ArticleUsage) -> dict[str, Any]:
    rated = usage.helpful + usage.not_helpful
    return {
        "title": usage.title,
        "views": usage.views,
        "helpful": usage.helpful,
        "not_helpful": usage.not_helpful,
        "helpful_share": share(usage.helpful, rated),
        "used_in_replies": usage.used_in_replies,
    }


def _article_columns() -> list[Column]:
    return [
        Column("title", _("Article"), "text"),
        Column("views", _("Views"), "count"),
        Column("helpful", _("Helpful"), "count"),
        Column("not_helpful", _("Not helpful"), "count"),
        Column("helpful_share", _("Helpful share"), "percent"),
        Column("used_in_replies", _("Used in replies"), "count"),
    ]


def _articles_section(
    slug: str, title: str, articles: list[ArticleUsage], series: str, empty: str
) -> Section:
    rows = [_article_row(usage) for usage in articles]
    if rows:
        summary = _("The most: %(title)s (%(count)s).") % {
            "title": rows[0]["title"],
            "count": number(rows[0][series]),
        }
    else:
        summary = empty
    return Section(
        slug=slug,
        title=title,
        summary=summary,
        columns=_article_columns(),
        rows=rows,
        row_drill=[{} for _row in rows],
        chart=Chart("bar", "title", (series,)) if rows else None,
    )


def build_knowledge(filters: ReportFilters, scope: Scope) -> ReportDocument:
    topic = _topic(filters)
    counts = usage_counts(filters, scope, topic)
    metrics = usage_metrics_from(counts, topic)
    empty_rows: list[dict[str, Any]] = [
        {"query": query, "count": count} for query, count in metrics.empty_queries
    ]
    searches = Section(
        slug="searches_without_result",
        title=_("Searches without result"),
        summary=(
            _("%(count)s searches found nothing; the most frequent: “%(query)s” (%(times)s).")
            % {
                "count": number(metrics.searches_empty),
                "query": empty_rows[0]["query"],
                "times": number(empty_rows[0]["count"]),
            }
            if empty_rows
            else _("Every search found something.")
        ),
        columns=[
            Column("query", _("Search text"), "text"),
            Column("count", _("Searches"), "count"),
        ],
        rows=empty_rows,
        row_drill=[{} for _row in empty_rows],
        note=_("What readers looked for and did not find: the knowledge base's gaps."),
    )
    return ReportDocument(
        slug="knowledge",
        title=_("Knowledge use"),
        filters_description=wording.filters_description(filters, scope),
        sections=[
            _period_section(filters, counts.by_bucket),
            _articles_section(
                "articles_read",
                _("Most read articles"),
                metrics.views,
                "views",
                _("No article was read in the period."),
            ),
            _articles_section(
                "articles_in_replies",
                _("Articles most used in replies"),
                metrics.used_in_replies,
                "used_in_replies",
                _("No article was used in a reply in the period."),
            ),
            searches,
        ],
        generated_at=clock.now(),
        drill_base={},
    )


KNOWLEDGE = ReportSpec(
    slug="knowledge",
    title=gettext_lazy("Knowledge use"),
    description=gettext_lazy(
        "Article views, feedback, uses in replies, deflected requests, top articles and "
        "searches without result."
    ),
    build=build_knowledge,
    for_agents=False,
)
