"""The knowledge report (issue 17 §3): article views, feedback, uses in replies, deflected
requests, searches and what found nothing; per period, with the top articles. The article and
search tables are the knowledge centre's own metrics (`usage_metrics_of`, the metrics page's
computation); this adds the figures per period bucket."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vik.core import clock
from vik.knowledge.choices import UsageKind
from vik.knowledge.models import UsageEvent
from vik.knowledge.selectors import ArticleUsage, usage_metrics_of
from vik.tenancy.models import InformationCentre
from vik.topics.models import Topic

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


def _period_section(filters: ReportFilters, events: QuerySet[UsageEvent]) -> Section:
    counts: dict[Any, dict[str, int]] = {}
    for bucket, kind, count in (
        events.annotate(bucket=bucket_trunc("created_at", filters.granularity))
        .order_by()
        .values_list("bucket", "kind")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(bucket_of(bucket), {})[kind] = count
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
    events = usage_events_of(filters, scope)
    metrics = usage_metrics_of(events, topic=_topic(filters))
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
            _period_section(filters, events),
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
