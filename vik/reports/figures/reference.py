"""The request figures straight from the raw tables: the requests of the period and scope
filtered by SQL, each counted in Python (its working minutes computed from its timestamps and
its centre's opening hours), then grouped. The yardstick the rollup is measured against."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q

from vik.core import clock
from vik.core.clock import PRAGUE
from vik.core.memo import batch_memo

from ..filters import ReportFilters, Scope
from . import ALL_METRICS, Dimension, Figures, Key, percentile_cont, statutory_outcome
from .facts import fact_of, raw_fields, raw_requests, topic_roots, topic_with_subtopics

FACT_COLUMN = {
    "channel": "channel", "centre": "centre_id", "orp": "orp_id",
    "municipality": "municipality_id", "topic": "topic_root_id", "kind": "kind",
    "agent": "agent_id",
}  # fmt: skip


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=PRAGUE)


def _raw_filter(filters: ReportFilters, scope: Scope) -> Q:
    q = Q(
        region_id=scope.region_id,
        merged_into__isnull=True,
        created_at__gte=day_start(filters.date_from),
        created_at__lt=day_start(filters.date_to + dt.timedelta(days=1)),
    )
    if scope.centre_ids is not None:
        q &= Q(centre_id__in=scope.centre_ids)
    if scope.agent_id is not None:
        q &= Q(assignee_id=scope.agent_id)
    if filters.centre_ids:
        q &= Q(centre_id__in=filters.centre_ids)
    if filters.channels:
        q &= Q(origin_channel__in=filters.channels)
    if filters.topic_ids:
        q &= Q(topic_id__in=topic_with_subtopics(filters.topic_ids))
    if filters.municipality_ids:
        q &= Q(municipality_id__in=filters.municipality_ids)
    if filters.orp_ids:
        q &= Q(municipality__orp_id__in=filters.orp_ids)
    if filters.kinds:
        q &= Q(kind__in=filters.kinds)
    if filters.agent_ids:
        q &= Q(assignee_id__in=filters.agent_ids)
    return q


def fact_key(fact: dict[str, Any], by: Sequence[Dimension], granularity: str) -> Key:
    period_column = {"day": "received_on", "week": "received_week", "month": "received_month"}
    return tuple(
        fact[period_column[granularity]] if dim == "period" else fact[FACT_COLUMN[dim]]
        for dim in by
    )


def figures_of_facts(
    facts: Iterable[dict[str, Any]],
    by: Sequence[Dimension],
    granularity: str,
    now: dt.datetime,
) -> dict[Key, Figures]:
    """Group fact dicts (`fact_of`) and count them (the semantics in the package docstring)."""
    today = now.astimezone(PRAGUE).date()
    found: dict[Key, Figures] = {}
    first: dict[Key, list[int]] = {}
    resolution: dict[Key, list[int]] = {}
    for fact in facts:
        key = fact_key(fact, by, granularity)
        figures = found.setdefault(key, Figures())
        figures.received += 1
        figures.resolved += fact["is_resolved"]
        figures.open += fact["is_open"]
        due = fact["due_at"]
        figures.overdue += bool(fact["is_open"] and due is not None and due < now)
        if fact["first_response_minutes"] is not None:
            first.setdefault(key, []).append(fact["first_response_minutes"])
        if fact["resolution_minutes"] is not None:
            resolution.setdefault(key, []).append(fact["resolution_minutes"])
        target, done = fact["first_response_due_at"], fact["first_response_at"]
        if target is not None and (done is not None or target < now):
            figures.first_response_sla_total += 1
            figures.first_response_sla_met += bool(done is not None and done <= target)
        target, done = fact["resolution_due_at"], fact["resolved_at"]
        if target is not None and (done is not None or target < now):
            figures.resolution_sla_total += 1
            figures.resolution_sla_met += bool(done is not None and done <= target)
        outcome = statutory_outcome(
            due_on=fact["statutory_due_on"],
            original_due_on=fact["statutory_original_due_on"],
            extended=fact["statutory_extended"],
            provided_on=fact["provided_on"],
            today=today,
        )
        if outcome is not None:
            name = f"statutory_{outcome}"
            setattr(figures, name, getattr(figures, name) + 1)
        score = fact["rating"]
        if score is not None:
            figures.rating_count += 1
            figures.rating_sum += score
            figures.rating_high += score >= 4
            figures.rating_low += score <= 2
    for key, values in first.items():
        values.sort()
        found[key].first_response_count = len(values)
        found[key].first_response_median = percentile_cont(values, 0.5)
        found[key].first_response_p90 = percentile_cont(values, 0.9)
    for key, values in resolution.items():
        values.sort()
        found[key].resolution_count = len(values)
        found[key].resolution_median = percentile_cont(values, 0.5)
        found[key].resolution_p90 = percentile_cont(values, 0.9)
    return found


def reference_figures(
    filters: ReportFilters,
    scope: Scope,
    by: Sequence[Dimension] = (),
    *,
    metrics: frozenset[str] = ALL_METRICS,
    now: dt.datetime | None = None,
) -> dict[Key, Figures]:
    """The figures of the requests received in the period within the scope, grouped `by`,
    from the raw tables. (`metrics` is accepted for the same signature; all are computed.)"""
    del metrics
    now = now or clock.now()
    roots = topic_roots()
    rows = raw_requests(_raw_filter(filters, scope)).values(*raw_fields())
    with batch_memo():
        facts = [fact_of(row, roots) for row in rows.iterator(chunk_size=5000)]
    return figures_of_facts(facts, by, filters.granularity, now)


def reference_figures_sets(
    filters: ReportFilters,
    scope: Scope,
    groupings: Sequence[tuple[Dimension, ...]],
    *,
    metrics: frozenset[str] = ALL_METRICS,
    percentiles: Sequence[tuple[Dimension, ...]] | None = None,
    now: dt.datetime | None = None,
) -> dict[tuple[Dimension, ...], dict[Key, Figures]]:
    """`reference_figures` of several groupings: the raw requests read and counted once (every
    figure of every grouping: `metrics` and `percentiles` only spare the rollup work)."""
    del metrics, percentiles
    now = now or clock.now()
    roots = topic_roots()
    rows = raw_requests(_raw_filter(filters, scope)).values(*raw_fields())
    with batch_memo():
        facts = [fact_of(row, roots) for row in rows.iterator(chunk_size=5000)]
    return {by: figures_of_facts(facts, by, filters.granularity, now) for by in groupings}
