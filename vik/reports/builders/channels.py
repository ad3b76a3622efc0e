"""The calls and chats reports (issue 17 §3): calls answered and missed, waits and talk time,
call-backs; chats accepted and left in the queue, waits, durations, ratings and messages left
offline. Per period bucket and per centre, within the reader's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField, Q, QuerySet, Sum, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vik.channels.phone.choices import CallBackState
from vik.core import clock

from .. import daily
from ..document import Chart, Column, ReportDocument, Section
from ..filters import ReportFilters, Scope
from ..registry import ReportSpec
from ..selectors import channels as selected
from ..selectors.periods import (
    WHOLE,
    DurationStats,
    bucket_of,
    buckets,
    duration_stats,
    duration_stats_sets,
)
from . import wording
from .wording import number, percent, share


def _whole(rows: QuerySet[Any]) -> QuerySet[Any]:
    annotated: QuerySet[Any] = rows.annotate(whole=Value(1, output_field=IntegerField()))
    return annotated


def _dimension_column(by: str) -> Column:
    if by == "bucket":
        return Column("period", _("Period"), "date")
    return Column("centre", _("Centre"), "text")


def _dimension_rows(
    by: str, filters: ReportFilters, keys: set[Any]
) -> list[tuple[Any, str, dict[str, str]]]:
    """(key, label, request-list parameters) of every row: all buckets of the period in order,
    or the centres found, by name (calls without a centre last)."""
    if by == "bucket":
        return [
            (day, wording.period_label(day, filters.granularity), {}) for day in buckets(filters)
        ]
    names = wording.centre_names(key for key in keys if key is not None)
    rows: list[tuple[Any, str, dict[str, str]]] = [
        (pk, name, {}) for pk, name in sorted(names.items(), key=lambda item: item[1])
    ]
    if None in keys:
        rows.append((None, _("no centre"), {}))
    return rows


def _bucket_key(value: Any) -> Any:
    return None if value is None else bucket_of(value)


# Calls -------------------------------------------------------------------------------------------


def _call_columns(by: str) -> list[Column]:
    return [
        _dimension_column(by),
        Column("offered", _("Incoming calls"), "count"),
        Column("answered", _("Answered"), "count"),
        Column("missed", _("Missed"), "count"),
        Column("answer_rate", _("Answered share"), "percent"),
        Column("wait_median", _("Median wait to answer (s)"), "number"),
        Column("wait_p90", _("90th percentile of the wait (s)"), "number"),
        Column("talk_average", _("Average talk time (min)"), "number"),
        Column("outbound", _("Outgoing calls"), "count"),
    ]


def _call_row(label: str, figures: dict[str, Any], waits: DurationStats) -> dict[str, Any]:
    offered, answered = figures.get("offered", 0), figures.get("answered", 0)
    return {
        "label": label,
        "offered": offered,
        "answered": answered,
        "missed": figures.get("missed", 0),
        "answer_rate": share(answered, offered),
        "wait_median": wording.seconds(waits.median),
        "wait_p90": wording.seconds(waits.p90),
        "talk_average": wording.minutes_of(figures.get("talk")),
        "outbound": figures.get("outbound", 0),
    }


def _call_section(
    filters: ReportFilters,
    by: str,
    all_waits: dict[str, dict[tuple[Any, ...], DurationStats]],
    cells: dict[tuple[Any, Any], dict[str, Any]],
) -> Section:
    group = "bucket" if by == "bucket" else "centre_id"
    figures = _keyed(selected.call_figures_of(cells, group), by)
    waits = _keyed(all_waits[group], by)
    rows, drills = [], []
    dimension = _dimension_column(by).key
    for key, label, drill in _dimension_rows(by, filters, set(figures)):
        row = _call_row(label, figures.get(key, {}), waits.get(key, DurationStats()))
        row[dimension] = row.pop("label")
        rows.append(row)
        drills.append(drill)
    total_figures = _summed(figures, average="talk", weight="answered")
    total_waits = all_waits[WHOLE].get((1,), DurationStats())
    totals = _call_row(_("Total"), total_figures, total_waits)
    totals[dimension] = totals.pop("label")
    if by == "bucket":
        title, slug = _("Calls by period"), "calls_by_period"
        chart = Chart("stacked_bar", "period", ("answered", "missed"))
    else:
        title, slug = _("Calls by centre"), "calls_by_centre"
        chart = Chart("bar", "centre", ("answered", "missed"))
    return Section(
        slug=slug,
        title=title,
        summary=_calls_summary(totals),
        columns=_call_columns(by),
        rows=rows,
        row_drill=drills,
        chart=chart,
        totals=totals,
    )


def _calls_summary(totals: dict[str, Any]) -> str:
    if not totals["offered"] and not totals["outbound"]:
        return _("No calls in the period.")
    return _(
        "Incoming calls: %(offered)s, answered %(answered)s (%(rate)s), missed %(missed)s; "
        "median wait to answer %(wait)s s; outgoing calls: %(outbound)s."
    ) % {
        "offered": number(totals["offered"]),
        "answered": number(totals["answered"]),
        "rate": percent(totals["answer_rate"]),
        "missed": number(totals["missed"]),
        "wait": number(totals["wait_median"]),
        "outbound": number(totals["outbound"]),
    }


def _summed(figures: dict[Any, dict[str, Any]], *, average: str, weight: str) -> dict[str, Any]:
    """The totals of grouped counts (their sums) and of one average (weighted by its count):
    no second query for the totals row."""
    total: dict[str, Any] = {}
    weighted = 0.0
    for row in figures.values():
        for key, value in row.items():
            if isinstance(value, int) and key != average:
                total[key] = total.get(key, 0) + value
        if row.get(average) is not None:
            weighted += float(row[average]) * row[weight]
    total[average] = weighted / total[weight] if total.get(weight) else None
    return total


def _keyed(found: dict[Any, Any], by: str) -> dict[Any, Any]:
    """Group keys as the rows name them: a bucket's start day, a centre's id."""
    keyed: dict[Any, Any] = {}
    for key, value in found.items():
        single = key[0] if isinstance(key, tuple) else key
        keyed[_bucket_key(single) if by == "bucket" else single] = value
    return keyed


def _callback_section(filters: ReportFilters, scope: Scope) -> Section:
    callbacks = selected.with_bucket(selected.callbacks_of(filters, scope), "created_at", filters)
    now = clock.now()
    figures = _keyed(selected.callback_figures(callbacks, "bucket", now), "bucket")
    done = callbacks.filter(state=CallBackState.REACHED)
    speed = _keyed(duration_stats(done, ["bucket"], start="created_at", end="closed_at"), "bucket")
    rows, drills = [], []
    for key, label, drill in _dimension_rows("bucket", filters, set()):
        rows.append(_callback_row(label, figures.get(key, {}), speed.get(key, DurationStats())))
        drills.append(drill)
    total_speed = duration_stats(_whole(done), [WHOLE], start="created_at", end="closed_at").get(
        (1,), DurationStats()
    )
    totals = _callback_row(
        _("Total"), selected.callback_figures(_whole(callbacks), WHOLE, now).get(1, {}), total_speed
    )
    if totals["requested"]:
        summary = _(
            "Call-backs asked for: %(requested)s, reached %(reached)s, not reached %(gave_up)s, "
            "still to call back %(waiting)s (of which overdue %(overdue)s); median time to reach "
            "the citizen %(hours)s h."
        ) % {
            "requested": number(totals["requested"]),
            "reached": number(totals["reached"]),
            "gave_up": number(totals["gave_up"]),
            "waiting": number(totals["waiting"]),
            "overdue": number(totals["overdue"]),
            "hours": number(totals["done_median"], 1),
        }
    else:
        summary = _("No call-backs were asked for in the period.")
    return Section(
        slug="callbacks",
        title=_("Call-backs"),
        summary=summary,
        columns=[
            Column("period", _("Period"), "date"),
            Column("requested", _("Asked for"), "count"),
            Column("reached", _("Reached"), "count"),
            Column("gave_up", _("Not reached"), "count"),
            Column("waiting", _("Still to call back"), "count"),
            Column("overdue", _("Overdue now"), "count"),
            Column("done_median", _("Median time to reach (h)"), "number"),
        ],
        rows=rows,
        row_drill=drills,
        chart=Chart("stacked_bar", "period", ("reached", "gave_up", "waiting")),
        totals=totals,
    )


def _callback_row(label: str, figures: dict[str, Any], speed: DurationStats) -> dict[str, Any]:
    return {
        "period": label,
        "requested": figures.get("requested", 0),
        "reached": figures.get("reached", 0),
        "gave_up": figures.get("gave_up", 0),
        "waiting": figures.get("waiting", 0),
        "overdue": figures.get("overdue", 0),
        "done_median": None if speed.median is None else round(speed.median / 3600, 1),
    }


def _call_cells(filters: ReportFilters, scope: Scope) -> dict[tuple[Any, Any], dict[str, Any]]:
    """The counts by period and by centre: the whole days the refresher counted from their
    daily counts (`vik.reports.daily`), the rest (today, or everything when the counts cannot
    answer the filters) from one scan of the calls."""
    counted, rest = daily.split(filters)
    if filters.municipality_ids or selected.calls_excluded(filters):
        counted, rest = None, filters  # the counts have no municipality
    cells: dict[tuple[Any, Any], dict[str, Any]] = {}
    if counted is not None:
        conditions = [Q(region_id=scope.region_id)]
        for centre_ids in (scope.centre_ids, filters.centre_ids or None):
            if centre_ids is not None:
                conditions.append(Q(centre_id__in=sorted(centre_ids)))
        if scope.agent_id is not None:
            conditions.append(Q(person_id=scope.agent_id))
        if filters.agent_ids:
            conditions.append(Q(person_id__in=filters.agent_ids))
        for row in (
            daily.counts_of(daily.CALLS, counted, *conditions)
            .annotate(bucket=daily.bucket_of_day(filters.granularity))
            .values("bucket", "centre_id", "kind")
            .annotate(count=Sum("n"), talk_sum=Sum("seconds_sum"), talk_count=Sum("seconds_count"))
        ):
            selected.cell_add(
                cells,
                (bucket_of(row["bucket"]), row["centre_id"]),
                {
                    row["kind"]: row["count"],
                    "talk_sum": row["talk_sum"],
                    "talk_count": row["talk_count"],
                },
            )
    if rest is not None:
        raw = selected.call_cells(
            selected.with_bucket(selected.calls_of(rest, scope), "started_at", rest)
        )
        for key, counts in raw.items():
            selected.cell_add(cells, key, counts)
    return cells


def build_calls(filters: ReportFilters, scope: Scope) -> ReportDocument:
    cells = _call_cells(filters, scope)
    # The waits' percentiles from the answered calls themselves (percentiles do not add up):
    # by period, by centre and of all in one query.
    answered = selected.with_bucket(selected.calls_of(filters, scope), "started_at", filters)
    waits = duration_stats_sets(
        answered.filter(selected.ANSWERED),
        ["bucket", "centre_id", WHOLE],
        start="started_at",
        end="answered_at",
    )
    return ReportDocument(
        slug="calls",
        title=_("Calls"),
        filters_description=wording.filters_description(filters, scope),
        sections=[
            _call_section(filters, "bucket", waits, cells),
            _call_section(filters, "centre", waits, cells),
            _callback_section(filters, scope),
        ],
        generated_at=clock.now(),
        drill_base={},
    )


# Chats -------------------------------------------------------------------------------------------


def _chat_columns(by: str) -> list[Column]:
    return [
        _dimension_column(by),
        Column("started", _("Chats started"), "count"),
        Column("accepted", _("Accepted by an agent"), "count"),
        Column("left", _("Left the queue"), "count"),
        Column("accept_rate", _("Accepted share"), "percent"),
        Column("offline", _("Messages left offline"), "count"),
        Column("wait_median", _("Median wait to accept (s)"), "number"),
        Column("wait_p90", _("90th percentile of the wait (s)"), "number"),
        Column("duration_median", _("Median chat length (min)"), "number"),
        Column("rating", _("Average rating (1–5)"), "number"),
    ]


def _chat_row(
    label: str,
    figures: dict[str, Any],
    offline: int,
    waits: DurationStats,
    lengths: DurationStats,
) -> dict[str, Any]:
    started, accepted = figures.get("started", 0), figures.get("accepted", 0)
    rating = figures.get("rating")
    return {
        "label": label,
        "started": started,
        "accepted": accepted,
        "left": figures.get("left", 0),
        "accept_rate": share(accepted, started),
        "offline": offline,
        "wait_median": wording.seconds(waits.median),
        "wait_p90": wording.seconds(waits.p90),
        "duration_median": wording.minutes_of(lengths.median),
        "rating": None if rating is None else round(float(rating), 2),
    }


def _chat_section(
    filters: ReportFilters,
    scope: Scope,
    by: str,
    durations: dict[str, dict[str, dict[tuple[Any, ...], DurationStats]]],
) -> Section:
    chats = selected.chats_of(filters, scope)
    offline = selected.offline_messages_of(filters, scope)
    if by == "bucket":
        chats = selected.with_bucket(chats, "queued_at", filters)
        offline = selected.with_bucket(offline, "received_at", filters)
    group = "bucket" if by == "bucket" else "centre_id"
    figures = _keyed(selected.chat_figures(chats, group), by)
    offline_counts = _keyed(selected.counted_by(offline, group), by)
    waits = _keyed(durations["waits"][group], by)
    lengths = _keyed(durations["lengths"][group], by)
    dimension = _dimension_column(by).key
    rows, drills = [], []
    for key, label, drill in _dimension_rows(by, filters, set(figures) | set(offline_counts)):
        row = _chat_row(
            label,
            figures.get(key, {}),
            offline_counts.get(key, 0),
            waits.get(key, DurationStats()),
            lengths.get(key, DurationStats()),
        )
        row[dimension] = row.pop("label")
        rows.append(row)
        drills.append(drill)
    totals = _chat_row(
        _("Total"),
        _summed(figures, average="rating", weight="rated"),
        sum(offline_counts.values()),
        durations["waits"][WHOLE].get((1,), DurationStats()),
        durations["lengths"][WHOLE].get((1,), DurationStats()),
    )
    totals[dimension] = totals.pop("label")
    if by == "bucket":
        title, slug = _("Chats by period"), "chats_by_period"
        chart = Chart("stacked_bar", "period", ("accepted", "left", "offline"))
    else:
        title, slug = _("Chats by centre"), "chats_by_centre"
        chart = Chart("bar", "centre", ("accepted", "left", "offline"))
    return Section(
        slug=slug,
        title=title,
        summary=_chats_summary(totals),
        columns=_chat_columns(by),
        rows=rows,
        row_drill=drills,
        chart=chart,
        totals=totals,
    )


def _chats_summary(totals: dict[str, Any]) -> str:
    if not totals["started"] and not totals["offline"]:
        return _("No chats in the period.")
    return _(
        "Chats started: %(started)s, accepted %(accepted)s (%(rate)s), left the queue "
        "%(left)s; messages left offline: %(offline)s; median wait to accept %(wait)s s; "
        "average rating %(rating)s."
    ) % {
        "started": number(totals["started"]),
        "accepted": number(totals["accepted"]),
        "rate": percent(totals["accept_rate"]),
        "left": number(totals["left"]),
        "offline": number(totals["offline"]),
        "wait": number(totals["wait_median"]),
        "rating": number(totals["rating"], 2),
    }


def build_chats(filters: ReportFilters, scope: Scope) -> ReportDocument:
    # The waits and lengths by period, by centre and of all: one query each.
    chats = selected.with_bucket(selected.chats_of(filters, scope), "queued_at", filters)
    durations = {
        name: duration_stats_sets(chats, ["bucket", "centre_id", WHOLE], start=start, end=end)
        for name, start, end in (
            ("waits", "queued_at", "accepted_at"),
            ("lengths", "accepted_at", "closed_at"),
        )
    }
    return ReportDocument(
        slug="chats",
        title=_("Chats"),
        filters_description=wording.filters_description(filters, scope),
        sections=[
            _chat_section(filters, scope, "bucket", durations),
            _chat_section(filters, scope, "centre", durations),
        ],
        generated_at=clock.now(),
        drill_base={},
    )


CALLS = ReportSpec(
    slug="calls",
    title=gettext_lazy("Calls"),
    description=gettext_lazy(
        "Incoming calls answered and missed, waits, talk time, call-backs and outgoing calls."
    ),
    build=build_calls,
)
CHATS = ReportSpec(
    slug="chats",
    title=gettext_lazy("Chats"),
    description=gettext_lazy(
        "Chats accepted and left in the queue, waits, lengths, ratings and messages left offline."
    ),
    build=build_chats,
)
