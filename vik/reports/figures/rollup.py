"""The request figures from the rollup (`RequestFact`): on PostgreSQL one aggregate query per
call, or two when the percentiles (`percentile_cont`) come with other figures: the percentiles
sort the facts of each grouping, so they get a query of their own over the few columns they
read, and the counts one the planner answers by hashing every grouping (no sort). On SQLite one
more query per duration whose values are interpolated in Python the same way. Same signature
and results as `reference.reference_figures`."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from vik.core import clock
from vik.core.clock import PRAGUE

from ..filters import ReportFilters, Scope
from ..models import RequestFact, facts_version
from . import ALL_METRICS, Dimension, Figures, Key, percentile_cont
from .facts import topic_with_subtopics
from .reference import FACT_COLUMN

WORK_MEM = "64MB"
T = TypeVar("T")
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


def _sql_aggregates(metrics: frozenset[str]) -> list[tuple[str, str]]:
    """(name, SQL) of each aggregate; %(now)s and %(today)s are bound by the caller."""
    found = [("received", "count(*)")]
    if "volume" in metrics:
        found += [
            ("resolved", "count(*) FILTER (WHERE is_resolved)"),
            ("open", "count(*) FILTER (WHERE is_open)"),
            ("overdue", "count(*) FILTER (WHERE is_open AND due_at < %(now)s)"),
        ]
    if "times" in metrics:
        for column, prefix in (
            ("first_response_minutes", "first_response"),
            ("resolution_minutes", "resolution"),
        ):
            found += [
                (f"{prefix}_count", f"count({column})"),
                (f"{prefix}_median", f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {column})"),
                (f"{prefix}_p90", f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {column})"),
            ]
    if "sla" in metrics:
        for prefix, done in (
            ("first_response", "first_response_at"),
            ("resolution", "resolved_at"),
        ):
            due = f"{prefix}_due_at"
            found += [
                (
                    f"{prefix}_sla_total",
                    f"count(*) FILTER (WHERE {due} IS NOT NULL"
                    f" AND ({done} IS NOT NULL OR {due} < %(now)s))",
                ),
                (f"{prefix}_sla_met", f"count(*) FILTER (WHERE {done} <= {due})"),
            ]
    if "statutory" in metrics:
        provided = "statutory_due_on IS NOT NULL AND provided_on IS NOT NULL"
        in_time = "provided_on <= statutory_original_due_on"
        extended = "(statutory_extended AND provided_on <= statutory_due_on)"
        open_ = "statutory_due_on IS NOT NULL AND provided_on IS NULL"
        found += [
            ("statutory_met", f"count(*) FILTER (WHERE {provided} AND {in_time})"),
            (
                "statutory_met_extended",
                f"count(*) FILTER (WHERE {provided} AND NOT {in_time} AND {extended})",
            ),
            (
                "statutory_missed",
                f"count(*) FILTER (WHERE ({provided} AND NOT {in_time} AND NOT {extended})"
                f" OR ({open_} AND statutory_due_on < %(today)s))",
            ),
            (
                "statutory_pending",
                f"count(*) FILTER (WHERE {open_} AND statutory_due_on >= %(today)s)",
            ),
        ]
    if "csat" in metrics:
        found += [
            ("rating_count", "count(rating)"),
            ("rating_sum", "coalesce(sum(rating), 0)"),
            ("rating_high", "count(*) FILTER (WHERE rating >= 4)"),
            ("rating_low", "count(*) FILTER (WHERE rating <= 2)"),
        ]
    return found


Grouping = tuple[Dimension, ...]
PERCENTILE_NAMES = frozenset(
    f"{prefix}_{which}"
    for prefix in ("first_response", "resolution")
    for which in ("median", "p90")
)


def rollup_figures_sets(
    filters: ReportFilters,
    scope: Scope,
    groupings: Sequence[Grouping],
    *,
    metrics: frozenset[str] = ALL_METRICS,
    percentiles: Sequence[Grouping] | None = None,
    now: dt.datetime | None = None,
) -> dict[Grouping, dict[Key, Figures]]:
    """`rollup_figures` of several groupings at once: on PostgreSQL one scan of the facts
    (GROUP BY GROUPING SETS), elsewhere one query per grouping. With "times", the percentiles
    are computed for `percentiles` only (None: every grouping; the other groupings get the
    counts only).

    On PostgreSQL the groupings' percentiles (ordered-set aggregates: the facts sorted per
    group) are read in queries of their own over the few columns they need, the groupings
    shared out between them, and the counts in a query the planner may answer by hashing (no
    sort); the queries run at once, on connections of their own (`_at_once`,
    `VIK_REPORTS_QUERY_LANES`). What does not depend on the moment is kept while the facts
    stand (`_grouping_sets_kept`)."""
    now = now or clock.now()
    groupings = list(dict.fromkeys(groupings))
    with_percentiles = (
        [by for by in dict.fromkeys(percentiles) if by in groupings]
        if percentiles is not None and "times" in metrics
        else (groupings if "times" in metrics else [])
    )
    if connection.vendor != "postgresql":
        found = {
            by: rollup_figures(filters, scope, by, metrics=metrics, now=now) for by in groupings
        }
        for by in groupings:
            if by not in with_percentiles:
                for figures in found[by].values():
                    for name in PERCENTILE_NAMES:
                        setattr(figures, name, None)
        return found
    aggregates = _sql_aggregates(metrics)
    counts = [(name, sql) for name, sql in aggregates if name not in PERCENTILE_NAMES]
    pct = [(name, sql) for name, sql in aggregates if name in PERCENTILE_NAMES]
    # The queries (groupings, aggregates) run at once on connections of their own (`_at_once`):
    # a percentile sorts the facts of each group of its grouping, so the groupings with
    # percentiles are shared out between the lanes, each query sorting only its own.
    lanes = max(1, settings.VIK_REPORTS_QUERY_LANES)
    jobs: list[tuple[list[Grouping], list[tuple[str, str]]]]
    if not with_percentiles:
        # Counting hashes every grouping of the scanned facts: the groupings shared out too.
        jobs = [(part, counts) for part in _shared_out(groupings, lanes)]
    elif metrics == frozenset({"times"}) and with_percentiles == groupings:
        # Every grouping is sorted anyway: its counts come with its percentiles.
        jobs = [(part, aggregates) for part in _shared_out(groupings, lanes)]
    else:
        jobs = [(groupings, counts)]
        jobs += [(part, pct) for part in _shared_out(with_percentiles, max(1, lanes - 1))]
    results = _at_once(
        [
            functools.partial(_grouping_sets_kept, filters, scope, part, chosen, now)
            for part, chosen in jobs
        ]
    )
    merged: dict[Grouping, dict[Key, Figures]] = {}
    for (_part, chosen), result in zip(jobs, results, strict=True):
        names = [name for name, _sql in chosen]
        for by, keyed in result.items():
            if by not in merged:
                merged[by] = keyed
                continue
            for key, figures in keyed.items():
                target = merged[by].get(key)
                if target is None:  # only facts with a duration would be missing: impossible
                    continue
                for name in names:
                    setattr(target, name, getattr(figures, name))
    return merged


def _shared_out(groupings: Sequence[Grouping], lanes: int) -> list[list[Grouping]]:
    """The groupings dealt out to at most `lanes` parts, in turn."""
    parts = [list(groupings[index::lanes]) for index in range(min(lanes, len(groupings)))]
    return [part for part in parts if part]


def _at_once(calls: Sequence[Callable[[], T]]) -> list[T]:
    """The calls' results, the calls run at once, each after the first in a thread of its own
    with its own database connection (closed at its end): PostgreSQL runs one query on one core,
    and a percentile query is one long sort. Run one after the other inside a transaction
    (another connection would not see its rows: the tests) or with `VIK_REPORTS_QUERY_LANES`
    1."""
    if len(calls) < 2 or connection.in_atomic_block or settings.VIK_REPORTS_QUERY_LANES < 2:
        return [call() for call in calls]

    def run(call: Callable[[], T]) -> T:
        try:
            return call()
        finally:
            connections.close_all()  # this thread's connections only

    with ThreadPoolExecutor(max_workers=len(calls) - 1, thread_name_prefix="vik-report") as pool:
        others = [pool.submit(run, call) for call in calls[1:]]
        first = calls[0]()
        return [first, *(future.result() for future in others)]


def _grouping_sets_kept(
    filters: ReportFilters,
    scope: Scope,
    groupings: Sequence[Grouping],
    aggregates: list[tuple[str, str]],
    now: dt.datetime,
) -> dict[Grouping, dict[Key, Figures]]:
    """`_grouping_sets` of aggregates that do not depend on the moment (the percentiles, which
    sort the facts), kept in the cache while the facts stand: found by the filters, the scope,
    the groupings, the aggregates and the facts' version (`RollupWatermark.facts_version`, new
    whenever a fact is written). A report rebuilt only because time passed (`vik.reports.cache`)
    sorts nothing again."""
    max_age = settings.VIK_REPORTS_CACHE_SECONDS
    timeless = not any("%(now)s" in sql or "%(today)s" in sql for _name, sql in aggregates)
    version = facts_version() if timeless and max_age > 0 else ""
    if not version:
        return _grouping_sets(filters, scope, groupings, aggregates, now)
    described = repr(
        (
            filters,
            scope.region_id,
            None if scope.centre_ids is None else sorted(scope.centre_ids),
            scope.agent_id,
            list(groupings),
            aggregates,
            version,
        )
    )
    key = "reports:figures:" + hashlib.sha256(described.encode()).hexdigest()
    found: dict[Grouping, dict[Key, Figures]] | None = cache.get(key)
    if found is None:
        found = _grouping_sets(filters, scope, groupings, aggregates, now)
        cache.set(key, found, timeout=max_age)
    return found


def _grouping_sets(
    filters: ReportFilters,
    scope: Scope,
    groupings: Sequence[Grouping],
    aggregates: list[tuple[str, str]],
    now: dt.datetime,
) -> dict[Grouping, dict[Key, Figures]]:
    """One scan of the facts: the `aggregates` for each of the `groupings` (PostgreSQL)."""
    query = facts_in(filters, scope).query
    compiler = query.get_compiler(connection=connection)
    where, where_params = compiler.compile(query.where)
    columns: list[str] = []
    for by in groupings:
        for column in _columns(by, filters.granularity):
            if column not in columns:
                columns.append(column)
    sets = ", ".join(
        "(" + ", ".join(_columns(by, filters.granularity)) + ")" for by in dict.fromkeys(groupings)
    )
    # The first column counts the facts: a row of an empty total (no facts) is skipped.
    select = [*columns, "count(*)", *(sql for _name, sql in aggregates)]
    if columns:
        select.append(f"GROUPING({', '.join(columns)})")
    today = now.astimezone(PRAGUE).date()
    named = {"now": now, "today": today}
    # The aggregates' parameters are named; the WHERE clause's are positional: the aggregates
    # get theirs inlined as positional parameters in order.
    params: list[Any] = []
    rendered = []
    for item in select:
        while "%(now)s" in item or "%(today)s" in item:
            now_at, today_at = item.find("%(now)s"), item.find("%(today)s")
            if now_at >= 0 and (today_at < 0 or now_at < today_at):
                item = item.replace("%(now)s", "%s", 1)
                params.append(named["now"])
            else:
                item = item.replace("%(today)s", "%s", 1)
                params.append(named["today"])
        rendered.append(item)
    sql = f"SELECT {', '.join(rendered)} FROM reports_requestfact WHERE {where}"  # noqa: S608
    if columns:
        sql += f" GROUP BY GROUPING SETS ({sets})"
    with transaction.atomic(), connection.cursor() as cursor:
        # A year of a region's facts sorted for the percentiles fits in memory, not on disk.
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        # Compiling the expressions costs more than it saves on a few hundred thousand rows.
        cursor.execute("SET LOCAL jit = off")
        if not any(name in PERCENTILE_NAMES for name, _sql in aggregates):
            # Counting needs no order: hashing every grouping beats sorting the facts for some.
            cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(sql, [*params, *where_params])
        rows = cursor.fetchall()
    found: dict[Grouping, dict[Key, Figures]] = {by: {} for by in groupings}
    masks = {}
    for by in groupings:
        chosen = set(_columns(by, filters.granularity))
        mask = sum(1 << (len(columns) - 1 - i) for i, c in enumerate(columns) if c not in chosen)
        masks[mask] = by
    for row in rows:
        if not row[len(columns)]:  # no facts: an empty total
            continue
        by = masks[row[-1]] if columns else groupings[0]
        key = tuple(row[columns.index(column)] for column in _columns(by, filters.granularity))
        figures = Figures()
        for index, (name, _sql) in enumerate(aggregates):
            value = row[len(columns) + 1 + index]
            if name.endswith(("_median", "_p90")):
                value = round(value, 1) if value is not None else None
            setattr(figures, name, value)
        found[by][key] = figures
    return found
