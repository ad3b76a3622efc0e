"""The period of a report in time: its bounds, its buckets (days, weeks, months in Prague),
and medians and percentiles of durations computed by the database where it can.

PostgreSQL computes `percentile_cont` per group in the query; SQLite (tests, development) has
no such aggregate, so there the durations are read and the same linear interpolation is done
in Python.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    QuerySet,
    Value,
)
from django.db.models.functions import Trunc

from vik.core.clock import PRAGUE

from ..filters import Granularity, ReportFilters

# work_mem for the percentiles' sorts (as the request figures', `figures.rollup.WORK_MEM`).
SORT_MEMORY = "64MB"


def period_bounds(filters: ReportFilters) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the report's Prague calendar days, both ends of the filter inclusive."""
    start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=PRAGUE)
    end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=PRAGUE)
    return start, end


def bucket_trunc(field: str, granularity: Granularity) -> Trunc:
    """The start of the day, week (Monday) or month of a datetime column, in Prague."""
    return Trunc(field, granularity, output_field=DateTimeField(), tzinfo=PRAGUE)


def bucket_of(value: dt.datetime | dt.date) -> dt.date:
    """The day a truncated value starts on, in Prague."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(PRAGUE)
        return value.date()
    return value


def bucket_start(day: dt.date, granularity: Granularity) -> dt.date:
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


def buckets(filters: ReportFilters) -> list[dt.date]:
    """Every bucket of the period, first to last (a bucket with nothing in it is a row of
    zeros, not a missing row)."""
    found: list[dt.date] = []
    day = bucket_start(filters.date_from, filters.granularity)
    while day <= filters.date_to:
        found.append(day)
        if filters.granularity == "month":
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        elif filters.granularity == "week":
            day += dt.timedelta(days=7)
        else:
            day += dt.timedelta(days=1)
    return found


# Percentiles -------------------------------------------------------------------------------------


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate `percentile_cont(f) WITHIN GROUP (ORDER BY x)`."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def _seconds_expression(start: str, end: str) -> Any:
    return Func(
        ExpressionWrapper(F(end) - F(start), output_field=DurationField()),
        template="EXTRACT(EPOCH FROM %(expressions)s)",
        output_field=FloatField(),
    )


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks (what `percentile_cont` computes)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class DurationStats:
    """Seconds between two moments of the rows of one group."""

    count: int = 0
    median: float | None = None
    p90: float | None = None
    mean: float | None = None


def duration_stats(
    rows: QuerySet[Any], group_by: Sequence[str], *, start: str, end: str
) -> dict[tuple[Any, ...], DurationStats]:
    """{(group values…): DurationStats} of the seconds from `start` to `end` of the rows where
    both are set. `rows` may carry annotations named in `group_by`."""
    rows = rows.filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
    if connection.vendor == "postgresql":
        seconds = _seconds_expression(start, end)
        found: dict[tuple[Any, ...], DurationStats] = {}
        with transaction.atomic(), connection.cursor() as cursor:
            # A year's durations sorted in memory, not in files (the default 4 MB spilled a
            # region's 210,000 answered calls to disk); no JIT compiling for one query.
            cursor.execute(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
            cursor.execute("SET LOCAL jit = off")
            computed = list(
                rows.order_by()
                .values(*group_by)
                .annotate(
                    n=Count("pk"),
                    median=PercentileCont(seconds, 0.5, output_field=FloatField()),
                    p90=PercentileCont(seconds, 0.9, output_field=FloatField()),
                    mean=Avg(seconds),
                )
            )
        for row in computed:
            key = tuple(row[name] for name in group_by)
            found[key] = DurationStats(row["n"], row["median"], row["p90"], row["mean"])
        return found
    grouped: dict[tuple[Any, ...], list[float]] = {}
    for row in rows.values_list(*group_by, start, end):
        key = tuple(row[: len(group_by)])
        grouped.setdefault(key, []).append((row[-1] - row[-2]).total_seconds())
    return {
        key: DurationStats(
            len(values), percentile(values, 0.5), percentile(values, 0.9), sum(values) / len(values)
        )
        for key, values in grouped.items()
    }


WHOLE = "whole"  # a group of all the rows


def duration_stats_sets(
    rows: QuerySet[Any], groups: Sequence[str], *, start: str, end: str
) -> dict[str, dict[tuple[Any, ...], DurationStats]]:
    """`duration_stats` grouped by each of `groups` in turn (a column or annotation of the
    rows, or WHOLE: all of them, keyed (1,)): {group: {(value,): DurationStats}}. PostgreSQL
    computes them in one query (GROUPING SETS: one scan of the rows, a sort per set), the same
    `percentile_cont`s as one query per group."""
    if connection.vendor != "postgresql":
        return {
            group: duration_stats(
                rows.annotate(whole=Value(1, output_field=IntegerField()))
                if group == WHOLE
                else rows,
                [group],
                start=start,
                end=end,
            )
            for group in groups
        }
    columns = [group for group in groups if group != WHOLE]
    inner = (
        rows.filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
        .annotate(seconds_between=_seconds_expression(start, end))
        .order_by()
        .values(*columns, "seconds_between")
    )
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # rows.none()
        return {group: {} for group in groups}
    quoted = [connection.ops.quote_name(column) for column in columns]
    sets = ", ".join(f"({column})" for column in quoted) + (", ()" if WHOLE in groups else "")
    listed = ", ".join(quoted)
    query = (
        f"SELECT {listed}, GROUPING({listed}), COUNT(*),"  # noqa: S608 — column names of ours
        " PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY seconds_between),"
        " PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY seconds_between), AVG(seconds_between)"
        f" FROM ({sql}) AS found GROUP BY GROUPING SETS ({sets})"
    )
    # GROUPING(...) has a bit set for each column the row is not grouped by, the first column's
    # the highest.
    width = len(columns)
    set_of = {
        (1 << width) - 1 - (1 << (width - 1 - index)): column
        for index, column in enumerate(columns)
    }
    set_of[(1 << width) - 1] = WHOLE
    found: dict[str, dict[tuple[Any, ...], DurationStats]] = {group: {} for group in groups}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(query, params)
        for row in cursor.fetchall():
            values, grouping, stats = row[:width], row[width], row[width + 1 :]
            group = set_of[grouping]
            key = (1,) if group == WHOLE else (values[columns.index(group)],)
            found[group][key] = DurationStats(*stats)
    return found
