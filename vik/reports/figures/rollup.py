"""The request figures from the rollup (`RequestFact`): one aggregate query per call on
PostgreSQL (percentiles by `percentile_cont`), on SQLite one more query per duration whose
values are interpolated in Python the same way. Same signature and results as
`reference.reference_figures`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from vik.core import clock
from vik.core.clock import PRAGUE

from ..filters import ReportFilters, Scope
from ..models import RequestFact
from . import ALL_METRICS, Dimension, Figures, Key, percentile_cont
from .facts import topic_with_subtopics
from .reference import FACT_COLUMN

PERIOD_COLUMN = {"day": "received_on", "week": "received_week", "month": "received_month"}


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate `percentile_cont(fraction) WITHIN GROUP (ORDER BY x)`."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def facts_in(filters: ReportFilters, scope: Scope) -> QuerySet[RequestFact]:
    """The counted facts of the requests received in the period within the scope."""
    q = Q(
        region_id=scope.region_id,
        counted=True,
        received_on__gte=filters.date_from,
        received_on__lte=filters.date_to,
    )
    if scope.centre_ids is not None:
        q &= Q(centre_id__in=scope.centre_ids)
    if scope.agent_id is not None:
        q &= Q(agent_id=scope.agent_id)
    if filters.centre_ids:
        q &= Q(centre_id__in=filters.centre_ids)
    if filters.channels:
        q &= Q(channel__in=filters.channels)
    if filters.topic_ids:
        q &= Q(topic_id__in=topic_with_subtopics(filters.topic_ids))
    if filters.municipality_ids:
        q &= Q(municipality_id__in=filters.municipality_ids)
    if filters.orp_ids:
        q &= Q(orp_id__in=filters.orp_ids)
    if filters.kinds:
        q &= Q(kind__in=filters.kinds)
    if filters.agent_ids:
        q &= Q(agent_id__in=filters.agent_ids)
    return RequestFact.objects.filter(q)


def _columns(by: Sequence[Dimension], granularity: str) -> list[str]:
    return [PERIOD_COLUMN[granularity] if dim == "period" else FACT_COLUMN[dim] for dim in by]


def _count(condition: Q) -> Count:
    return Count("request_id", filter=condition)


def _aggregates(metrics: frozenset[str], now: dt.datetime, postgres: bool) -> dict[str, Any]:
    today = now.astimezone(PRAGUE).date()
    found: dict[str, Any] = {"received": Count("request_id")}
    if "volume" in metrics:
        found |= {
            "resolved": _count(Q(is_resolved=True)),
            "open": _count(Q(is_open=True)),
            "overdue": _count(Q(is_open=True, due_at__lt=now)),
        }
    if "times" in metrics:
        found |= {
            "first_response_count": Count("first_response_minutes"),
            "resolution_count": Count("resolution_minutes"),
        }
        if postgres:
            found |= {
                "first_response_median": PercentileCont("first_response_minutes", 0.5),
                "first_response_p90": PercentileCont("first_response_minutes", 0.9),
                "resolution_median": PercentileCont("resolution_minutes", 0.5),
                "resolution_p90": PercentileCont("resolution_minutes", 0.9),
            }
    if "sla" in metrics:
        first_decided = Q(first_response_due_at__isnull=False) & (
            Q(first_response_at__isnull=False) | Q(first_response_due_at__lt=now)
        )
        resolution_decided = Q(resolution_due_at__isnull=False) & (
            Q(resolved_at__isnull=False) | Q(resolution_due_at__lt=now)
        )
        found |= {
            "first_response_sla_total": _count(first_decided),
            "first_response_sla_met": _count(
                Q(first_response_due_at__isnull=False)
                & Q(first_response_at__lte=F("first_response_due_at"))
            ),
            "resolution_sla_total": _count(resolution_decided),
            "resolution_sla_met": _count(
                Q(resolution_due_at__isnull=False) & Q(resolved_at__lte=F("resolution_due_at"))
            ),
        }
    if "statutory" in metrics:
        provided = Q(statutory_due_on__isnull=False, provided_on__isnull=False)
        original = Q(provided_on__lte=F("statutory_original_due_on"))
        extended = Q(statutory_extended=True, provided_on__lte=F("statutory_due_on"))
        not_provided = Q(statutory_due_on__isnull=False, provided_on__isnull=True)
        found |= {
            "statutory_met": _count(provided & original),
            "statutory_met_extended": _count(provided & ~original & extended),
            "statutory_missed": _count(
                (provided & ~original & ~extended) | (not_provided & Q(statutory_due_on__lt=today))
            ),
            "statutory_pending": _count(not_provided & Q(statutory_due_on__gte=today)),
        }
    if "csat" in metrics:
        found |= {
            "rating_count": Count("rating"),
            "rating_sum": Coalesce(Sum("rating"), Value(0)),
            "rating_high": _count(Q(rating__gte=4)),
            "rating_low": _count(Q(rating__lte=2)),
        }
    return found


def _percentiles_in_python(
    facts: QuerySet[RequestFact], columns: list[str], found: dict[Key, Figures]
) -> None:
    for column, prefix in (
        ("first_response_minutes", "first_response"),
        ("resolution_minutes", "resolution"),
    ):
        values: dict[Key, list[int]] = defaultdict(list)
        rows = facts.filter(**{f"{column}__isnull": False}).values_list(*columns, column)
        for row in rows.iterator(chunk_size=10000):
            values[tuple(row[:-1])].append(row[-1])
        for key, items in values.items():
            items.sort()
            setattr(found[key], f"{prefix}_median", percentile_cont(items, 0.5))
            setattr(found[key], f"{prefix}_p90", percentile_cont(items, 0.9))


def rollup_figures(
    filters: ReportFilters,
    scope: Scope,
    by: Sequence[Dimension] = (),
    *,
    metrics: frozenset[str] = ALL_METRICS,
    now: dt.datetime | None = None,
) -> dict[Key, Figures]:
    """The figures of the requests received in the period within the scope, grouped `by`, from
    the rollup; only the `metrics` asked for (volume, times, sla, statutory, csat) are filled."""
    now = now or clock.now()
    postgres = connection.vendor == "postgresql"
    columns = _columns(by, filters.granularity)
    facts = facts_in(filters, scope)
    aggregates = _aggregates(metrics, now, postgres)
    found: dict[Key, Figures] = {}
    if columns:
        rows: Any = facts.values(*columns).annotate(**aggregates).order_by()
    else:
        total = facts.aggregate(**aggregates)
        rows = [total] if total["received"] else []
    for row in rows:
        key = tuple(row[column] for column in columns)
        figures = Figures()
        for name in aggregates:
            value = row[name]
            if name.endswith(("_median", "_p90")):
                value = round(value, 1) if value is not None else None
            setattr(figures, name, value)
        found[key] = figures
    if "times" in metrics and not postgres and found:
        _percentiles_in_python(facts, columns, found)
    return found
