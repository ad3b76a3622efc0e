"""The request reports: overview (the dashboard), volume, times, service levels and
satisfaction, built from the request figures (`vik.reports.figures`).

Every builder takes `source`: the rollup (`rollup_figures_sets`, what the pages read) or the
raw tables (`reference_figures_sets`, what the benchmark compares with). Rows link to the staff
request list with these parameters besides the report's own (`drill_base`):
channel=<kind>, centre=<id>, orp=<id>, municipality=<id>, topic=<id> (with its subtopics),
kind=<kind>, assignee=<id>, received_from/received_to=YYYY-MM-DD (a period's row), and per
column status=open, overdue=1, rating=1-2 / 4-5; "none" stands for "not set".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vik.channels.core.choices import ChannelKind
from vik.core import clock
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Municipality, Orp
from vik.topics.choices import RequestKind
from vik.topics.models import Topic

from ..document import Chart, ChartKind, Column, ReportDocument, Section
from ..figures import ALL_METRICS, Dimension, Figures, Key
from ..figures.rollup import rollup_figures_sets
from ..filters import ReportFilters, Scope
from ..registry import ReportSpec

# `rollup_figures_sets` or `reference_figures_sets`: several groupings of one filter at once.
FiguresSource = Callable[..., dict[tuple[Dimension, ...], dict[Key, Figures]]]
NONE = "none"

# The request list's parameter for each dimension.
DRILL_PARAM = {
    "channel": "channel",
    "centre": "centre",
    "orp": "orp",
    "municipality": "municipality",
    "topic": "topic",
    "kind": "kind",
    "agent": "assignee",
}


def _number(value: float | int) -> str:
    """1 234 / 3,5 in Czech."""
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    return f"{value:,.1f}".replace(",", "\u00a0").replace(".", ",")


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}\u00a0%" if whole else "–"


def _day(day: dt.date) -> str:
    return f"{day.day}. {day.month}. {day.year}"


# Labels ---------------------------------------------------------------------------------------


def _dimension_title(dim: Dimension) -> str:
    return {
        "period": _("Period"),
        "channel": _("Channel"),
        "centre": _("Centre"),
        "orp": _("ORP"),
        "municipality": _("Municipality"),
        "topic": _("Topic"),
        "kind": _("Kind"),
        "agent": _("Agent"),
    }[dim]


class Labels:
    """The names of the dimension values in a set of figures, read in one query per dimension."""

    def __init__(self, dim: Dimension, values: Iterable[Any], granularity: str) -> None:
        self.dim, self.granularity = dim, granularity
        ids = [value for value in values if value is not None]
        names: dict[Any, str] = {}
        if dim == "centre":
            names = dict(InformationCentre.objects.filter(pk__in=ids).values_list("pk", "name"))
        elif dim == "orp":
            names = dict(Orp.objects.filter(pk__in=ids).values_list("pk", "name"))
        elif dim == "municipality":
            names = {item.pk: item.label for item in Municipality.objects.filter(pk__in=ids)}
        elif dim == "topic":
            names = {item.pk: item.name for item in Topic.objects.filter(pk__in=ids)}
        elif dim == "agent":
            names = {item.pk: item.display_name for item in User.objects.filter(pk__in=ids)}
        elif dim == "channel":
            names = {value: str(ChannelKind(value).label) for value in ids if value in ChannelKind}
        elif dim == "kind":
            names = {value: str(RequestKind(value).label) for value in ids if value in RequestKind}
        self.names = names

    def __call__(self, value: Any) -> str:
        if self.dim == "period":
            return period_label(value, self.granularity)
        if value is None:
            return _("not set")
        return self.names.get(value, str(value))


def period_label(start: dt.date, granularity: str) -> str:
    if granularity == "day":
        return _day(start)
    if granularity == "week":
        return _("week of %(day)s") % {"day": _day(start)}
    return f"{start.month}/{start.year}"


def period_end(start: dt.date, granularity: str) -> dt.date:
    if granularity == "day":
        return start
    if granularity == "week":
        return start + dt.timedelta(days=6)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _row_drill(dim: Dimension, value: Any, filters: ReportFilters) -> dict[str, str]:
    if dim == "period":
        begin = max(value, filters.date_from)
        end = min(period_end(value, filters.granularity), filters.date_to)
        return {"received_from": begin.isoformat(), "received_to": end.isoformat()}
    return {DRILL_PARAM[dim]: NONE if value is None else str(value)}


def drill_base(filters: ReportFilters, scope: Scope) -> dict[str, str]:
    """The request-list parameters of the report's filters (several values comma-separated)."""
    found = {
        "received_from": filters.date_from.isoformat(),
        "received_to": filters.date_to.isoformat(),
        "merged": "0",  # a merged-away request is counted in the one it was merged into
    }
    for name, values in (
        ("centre", filters.centre_ids),
        ("channel", filters.channels),
        ("topic", filters.topic_ids),
        ("municipality", filters.municipality_ids),
        ("orp", filters.orp_ids),
        ("kind", filters.kinds),
        ("assignee", filters.agent_ids),
    ):
        if values:
            found[name] = ",".join(str(value) for value in values)
    if scope.agent_id is not None and not filters.agent_ids:
        found["assignee"] = str(scope.agent_id)
    return found


def describe(filters: ReportFilters, scope: Scope) -> list[tuple[str, str]]:
    """The filters in words."""
    found = [
        (_("Period"), f"{_day(filters.date_from)} – {_day(filters.date_to)}"),
        (
            _("Grouped by"),
            {"day": _("days"), "week": _("weeks"), "month": _("months")}[filters.granularity],
        ),
    ]
    if scope.label:
        found.append((_("Scope"), scope.label))
    chosen: tuple[tuple[Dimension, tuple[Any, ...]], ...] = (
        ("centre", filters.centre_ids),
        ("channel", filters.channels),
        ("topic", filters.topic_ids),
        ("municipality", filters.municipality_ids),
        ("orp", filters.orp_ids),
        ("kind", filters.kinds),
        ("agent", filters.agent_ids),
    )
    for dim, values in chosen:
        if values:
            labels = Labels(dim, values, filters.granularity)
            found.append((_dimension_title(dim), ", ".join(labels(value) for value in values)))
    return found


# Columns --------------------------------------------------------------------------------------


def _volume_columns() -> list[Column]:
    return [
        Column("received", _("Received"), "count", drill={}),
        Column("resolved", _("Resolved"), "count", drill={"status": "done"}),
        Column("open", _("Open now"), "count", drill={"status": "active"}),
        Column("overdue", _("Overdue now"), "count", drill={"status": "active", "due": "overdue"}),
    ]


def _times_columns() -> list[Column]:
    return [
        Column("first_response_count", _("Answered"), "count", drill={"answered": "1"}),
        Column("first_response_median", _("First response, median"), "minutes"),
        Column("first_response_p90", _("First response, 90th percentile"), "minutes"),
        Column("resolution_count", _("Resolved"), "count", drill={"status": "done"}),
        Column("resolution_median", _("Resolution, median"), "minutes"),
        Column("resolution_p90", _("Resolution, 90th percentile"), "minutes"),
    ]


def _sla_columns() -> list[Column]:
    return [
        Column("first_response_sla_total", _("First responses with a target"), "count"),
        Column("first_response_sla_share", _("First response in time"), "percent"),
        Column("resolution_sla_total", _("Resolutions with a target"), "count"),
        Column("resolution_sla_share", _("Resolution in time"), "percent"),
    ]


def _statutory_columns() -> list[Column]:
    return [
        Column("statutory_met", _("Met"), "count"),
        Column("statutory_met_extended", _("Met after an extension"), "count"),
        Column("statutory_missed", _("Missed"), "count"),
        # Pending ("still in time") has no list filter of its own: no link rather than a wrong one.
        Column("statutory_pending", _("Pending"), "count"),
        Column("statutory_in_time_share", _("In time"), "percent"),
    ]


def _csat_columns() -> list[Column]:
    return [
        Column("rating_count", _("Ratings"), "count", drill={"rating": "1-5"}),
        Column("rating_average", _("Average rating"), "number"),
        Column("rating_high_share", _("Rated 4–5"), "percent", drill={"rating": "4-5"}),
        Column("rating_low", _("Rated 1–2"), "count", drill={"rating": "1-2"}),
    ]


def _values(figures: Figures) -> dict[str, Any]:
    values = figures.as_dict()
    values |= {
        "rating_average": figures.rating_average,
        "rating_high_share": figures.rating_high_share,
        "first_response_sla_share": figures.first_response_sla_share,
        "resolution_sla_share": figures.resolution_sla_share,
        "statutory_in_time_share": figures.statutory_in_time_share,
    }
    return values


def _sort_key(dim: Dimension, key: Key, figures: Figures) -> Any:
    if dim == "period":
        return (0, key[0])
    return (-figures.received, str(key[0]))


def _table(
    found: dict[Key, Figures],
    dim: Dimension,
    filters: ReportFilters,
    columns: list[Column],
    total: Figures | None,
) -> tuple[list[Column], list[dict[str, Any]], list[dict[str, str]], dict[str, Any] | None]:
    """Rows of figures grouped by one dimension, its label first."""
    labels = Labels(dim, [key[0] for key in found], filters.granularity)
    rows, drills = [], []
    for key, figures in sorted(found.items(), key=lambda item: _sort_key(dim, *item)):
        row = {"label": labels(key[0])} | {
            column.key: _values(figures)[column.key] for column in columns
        }
        rows.append(row)
        drills.append(_row_drill(dim, key[0], filters))
    head = [Column("label", _dimension_title(dim), "date" if dim == "period" else "text")]
    totals = None
    if total is not None:
        totals = {"label": _("Total")} | {
            column.key: _values(total)[column.key] for column in columns
        }
    return head + columns, rows, drills, totals


def _section(
    slug: str,
    title: str,
    summary: str,
    found: dict[Key, Figures],
    dim: Dimension,
    filters: ReportFilters,
    columns: list[Column],
    chart: Chart | None,
    total: Figures | None = None,
    note: str = "",
) -> Section:
    all_columns, rows, drills, totals = _table(found, dim, filters, columns, total)
    return Section(
        slug=slug,
        title=title,
        summary=summary,
        columns=all_columns,
        rows=rows,
        row_drill=drills,
        chart=chart,
        totals=totals,
        note=note,
    )


def _document(
    slug: str, title: str, filters: ReportFilters, scope: Scope, sections: list[Section]
) -> ReportDocument:
    return ReportDocument(
        slug=slug,
        title=title,
        filters_description=describe(filters, scope),
        sections=sections,
        generated_at=clock.now(),
        drill_base=drill_base(filters, scope),
    )


def _total(found: dict[Key, Figures]) -> Figures:
    return found.get((), Figures())


def _largest(found: dict[Key, Figures], dim: Dimension, filters: ReportFilters) -> str:
    """'e-mail (41 %)': the value with most requests and its share."""
    if not found:
        return "–"
    key, figures = max(found.items(), key=lambda item: item[1].received)
    whole = sum(item.received for item in found.values())
    label = Labels(dim, [key[0]], filters.granularity)(key[0])
    return f"{label} ({_percent(figures.received, whole)})"


def _minutes(value: float | None) -> str:
    if value is None:
        return "–"
    hours, minutes = divmod(round(value), 60)
    return f"{hours}\u00a0h {minutes}\u00a0min" if hours else f"{minutes}\u00a0min"


# Summaries --------------------------------------------------------------------------------------


def _volume_summary(found: dict[Key, Figures], dim: Dimension, filters: ReportFilters) -> str:
    received = sum(item.received for item in found.values())
    if not received:
        return _("No requests were received in the period.")
    return ngettext(
        "%(count)s request was received in the period, most of them: %(largest)s.",
        "%(count)s requests were received in the period, most of them: %(largest)s.",
        received,
    ) % {
        "count": _number(received),
        "largest": _largest(found, dim, filters),
    }


def _times_summary(total: Figures) -> str:
    if not total.first_response_count and not total.resolution_count:
        return _("No request of the period has been answered yet.")
    return _(
        "Half of the requests got their first response within %(first)s of working time and "
        "were resolved within %(resolution)s; nine in ten within %(first90)s and "
        "%(resolution90)s."
    ) % {
        "first": _minutes(total.first_response_median),
        "resolution": _minutes(total.resolution_median),
        "first90": _minutes(total.first_response_p90),
        "resolution90": _minutes(total.resolution_p90),
    }


def _sla_summary(total: Figures) -> str:
    return _(
        "%(first)s of first responses and %(resolution)s of resolutions with a service level "
        "target were in time."
    ) % {
        "first": _percent(total.first_response_sla_met, total.first_response_sla_total),
        "resolution": _percent(total.resolution_sla_met, total.resolution_sla_total),
    }


def _statutory_summary(total: Figures) -> str:
    return _(
        "Information requests: %(met)s provided in time, %(extended)s after an extension, "
        "%(missed)s late or not provided after the deadline, %(pending)s still within it."
    ) % {
        "met": _number(total.statutory_met),
        "extended": _number(total.statutory_met_extended),
        "missed": _number(total.statutory_missed),
        "pending": _number(total.statutory_pending),
    }


def _csat_summary(total: Figures) -> str:
    if not total.rating_count:
        return _("No request of the period has been rated.")
    return _(
        "%(count)s ratings, on average %(average)s of 5; %(high)s rated 4 or 5, %(low)s rated "
        "1 or 2."
    ) % {
        "count": _number(total.rating_count),
        "average": _number(float(total.rating_average or 0)),
        "high": _percent(total.rating_high, total.rating_count),
        "low": _number(total.rating_low),
    }


def _backlog_summary(total: Figures) -> str:
    return ngettext(
        "%(open)s request of the period is open now, %(overdue)s of them overdue.",
        "%(open)s requests of the period are open now, %(overdue)s of them overdue.",
        total.open,
    ) % {
        "open": _number(total.open),
        "overdue": _number(total.overdue),
    }


# The reports ----------------------------------------------------------------------------------


def _received_by_period_and_channel(found: dict[Key, Figures], filters: ReportFilters) -> Section:
    channels = sorted({key[1] for key in found}, key=lambda value: str(value))
    labels = Labels("channel", channels, filters.granularity)
    periods = sorted({key[0] for key in found})
    columns = [Column("label", _("Period"), "date")]
    columns += [
        Column(f"channel_{channel}", labels(channel), "count", drill={"channel": channel})
        for channel in channels
    ]
    columns.append(Column("received", _("Received"), "count", drill={}))
    rows, drills = [], []
    totals: dict[str, Any] = {"label": _("Total"), "received": 0}
    for period in periods:
        row: dict[str, Any] = {"label": period_label(period, filters.granularity), "received": 0}
        for channel in channels:
            count = found[(period, channel)].received if (period, channel) in found else 0
            row[f"channel_{channel}"] = count
            row["received"] += count
            totals[f"channel_{channel}"] = totals.get(f"channel_{channel}", 0) + count
        totals["received"] += row["received"]
        rows.append(row)
        drills.append(_row_drill("period", period, filters))
    by_channel: dict[Key, Figures] = {}
    for (_period, channel), figures in found.items():
        by_channel.setdefault((channel,), Figures()).received += figures.received
    return Section(
        slug="received",
        title=_("Requests received by channel"),
        summary=_volume_summary(by_channel, "channel", filters),
        columns=columns,
        rows=rows,
        row_drill=drills,
        chart=Chart("stacked_bar", "label", tuple(f"channel_{channel}" for channel in channels)),
        totals=totals,
    )


def overview(
    filters: ReportFilters, scope: Scope, *, source: FiguresSource = rollup_figures_sets
) -> ReportDocument:
    """The dashboard: received per period by channel, the backlog by centre, times, service
    levels and satisfaction."""
    # The times (percentiles: sorting) only where they are shown.
    got = source(
        filters,
        scope,
        [(), ("channel",), ("centre",), ("period", "channel")],
        metrics=ALL_METRICS,
        percentiles=[(), ("channel",)],
    )
    total, by_centre, by_channel = _total(got[()]), got[("centre",)], got[("channel",)]
    service = Section(
        slug="service",
        title=_("Service levels and statutory deadlines"),
        summary=f"{_sla_summary(total)} {_statutory_summary(total)}",
        columns=[
            Column("label", _("Target"), "text"),
            Column("met", _("Met"), "count"),
            Column("total", _("Decided"), "count"),
            Column("share", _("In time"), "percent"),
        ],
        rows=[
            {
                "label": _("First response"),
                "met": total.first_response_sla_met,
                "total": total.first_response_sla_total,
                "share": total.first_response_sla_share,
            },
            {
                "label": _("Resolution"),
                "met": total.resolution_sla_met,
                "total": total.resolution_sla_total,
                "share": total.resolution_sla_share,
            },
            {
                "label": _("Statutory deadline"),
                "met": total.statutory_met + total.statutory_met_extended,
                "total": total.statutory_decided,
                "share": total.statutory_in_time_share,
            },
        ],
        row_drill=[{}, {}, {"kind": RequestKind.INFORMATION_REQUEST}],
        chart=Chart("bar", "label", ("share",)),
    )
    sections = [
        _received_by_period_and_channel(got[("period", "channel")], filters),
        _section(
            "backlog",
            _("Backlog now"),
            _backlog_summary(total),
            by_centre,
            "centre",
            filters,
            _volume_columns(),
            Chart("bar", "label", ("open", "overdue")),
            total,
        ),
        _section(
            "times",
            _("Response and resolution times"),
            _times_summary(total),
            by_channel,
            "channel",
            filters,
            _times_columns(),
            Chart("bar", "label", ("first_response_median", "resolution_median")),
            total,
            note=_(
                "Working time in the centre's opening hours; the 90th percentile by linear "
                "interpolation."
            ),
        ),
        service,
        _section(
            "satisfaction",
            _("Satisfaction"),
            _csat_summary(total),
            by_channel,
            "channel",
            filters,
            _csat_columns(),
            Chart("bar", "label", ("rating_average",)),
            total,
        ),
    ]
    return _document("overview", _("Overview"), filters, scope, sections)


def _volume_title(dim: Dimension) -> str:
    return {
        "period": _("Requests by period"),
        "channel": _("Requests by channel"),
        "centre": _("Requests by centre"),
        "orp": _("Requests by ORP"),
        "municipality": _("Requests by municipality"),
        "topic": _("Requests by topic"),
        "kind": _("Requests by kind"),
        "agent": _("Requests by agent"),
    }[dim]


VOLUME_DIMENSIONS: tuple[Dimension, ...] = (
    "period",
    "channel",
    "centre",
    "orp",
    "municipality",
    "topic",
    "kind",
)


# The volume by municipality charts the 30 with the most requests; its table lists them all.
CHART_LARGEST = 30


def volume(
    filters: ReportFilters,
    scope: Scope,
    *,
    source: FiguresSource = rollup_figures_sets,
    dimensions: Sequence[Dimension] = VOLUME_DIMENSIONS,
) -> ReportDocument:
    """Requests received, resolved and open by period, channel, centre, ORP, municipality,
    topic and kind: one section each."""
    got = source(
        filters, scope, [(), *((dim,) for dim in dimensions)], metrics=frozenset({"volume"})
    )
    total = _total(got[()])
    sections = []
    for dim in dimensions:
        found = got[(dim,)]
        chart_kind: ChartKind = (
            "line" if dim == "period" else ("pie" if dim in ("channel", "kind") else "bar")
        )
        sections.append(
            _section(
                f"by_{dim}",
                _volume_title(dim),
                _volume_summary(found, dim, filters),
                found,
                dim,
                filters,
                _volume_columns(),
                Chart(
                    chart_kind,
                    "label",
                    ("received",),
                    largest=CHART_LARGEST if dim in ("municipality", "orp", "centre") else None,
                ),
                total,
            )
        )
    return _document("volume", _("Volume of requests"), filters, scope, sections)


def times(
    filters: ReportFilters, scope: Scope, *, source: FiguresSource = rollup_figures_sets
) -> ReportDocument:
    """First response and resolution times, median and 90th percentile, by centre, channel and
    period."""
    got = source(
        filters, scope, [(), ("centre",), ("channel",), ("period",)], metrics=frozenset({"times"})
    )
    total = _total(got[()])
    sections = []
    titled: list[tuple[Dimension, str]] = [
        ("centre", _("Times by centre")),
        ("channel", _("Times by channel")),
        ("period", _("Times by period")),
    ]
    for dim, title in titled:
        found = got[(dim,)]
        chart = Chart(
            "line" if dim == "period" else "bar",
            "label",
            ("first_response_median", "first_response_p90", "resolution_median"),
        )
        sections.append(
            _section(
                f"by_{dim}",
                title,
                _times_summary(total),
                found,
                dim,
                filters,
                _times_columns(),
                chart,
                total,
                note=_(
                    "Working time in the centre's opening hours; the 90th percentile by "
                    "linear interpolation."
                ),
            )
        )
    return _document("times", _("Response and resolution times"), filters, scope, sections)


def sla(
    filters: ReportFilters, scope: Scope, *, source: FiguresSource = rollup_figures_sets
) -> ReportDocument:
    """Service level compliance and the statutory deadlines of information requests, by centre
    and by period."""
    got = source(
        filters, scope, [(), ("centre",), ("period",)], metrics=frozenset({"sla", "statutory"})
    )
    total, by_centre, by_period = _total(got[()]), got[("centre",)], got[("period",)]
    share_chart = Chart("bar", "label", ("first_response_sla_share", "resolution_sla_share"))
    sections = [
        _section(
            "sla_by_centre",
            _("Service levels by centre"),
            _sla_summary(total),
            by_centre,
            "centre",
            filters,
            _sla_columns(),
            share_chart,
            total,
        ),
        _section(
            "sla_by_period",
            _("Service levels by period"),
            _sla_summary(total),
            by_period,
            "period",
            filters,
            _sla_columns(),
            Chart("line", "label", ("first_response_sla_share", "resolution_sla_share")),
            total,
        ),
        _section(
            "statutory_by_centre",
            _("Statutory deadlines by centre"),
            _statutory_summary(total),
            by_centre,
            "centre",
            filters,
            _statutory_columns(),
            Chart(
                "stacked_bar",
                "label",
                (
                    "statutory_met",
                    "statutory_met_extended",
                    "statutory_missed",
                    "statutory_pending",
                ),
            ),
            total,
        ),
        _section(
            "statutory_by_period",
            _("Statutory deadlines by period"),
            _statutory_summary(total),
            by_period,
            "period",
            filters,
            _statutory_columns(),
            Chart(
                "stacked_bar",
                "label",
                (
                    "statutory_met",
                    "statutory_met_extended",
                    "statutory_missed",
                    "statutory_pending",
                ),
            ),
            total,
        ),
    ]
    return _document("sla", _("Service levels and statutory deadlines"), filters, scope, sections)


def satisfaction(
    filters: ReportFilters, scope: Scope, *, source: FiguresSource = rollup_figures_sets
) -> ReportDocument:
    """Citizens' ratings (CSAT) by channel, centre, topic and period."""
    got = source(
        filters,
        scope,
        [(), ("channel",), ("centre",), ("topic",), ("period",)],
        metrics=frozenset({"csat"}),
    )
    total = _total(got[()])
    sections = []
    titled: list[tuple[Dimension, str]] = [
        ("channel", _("Satisfaction by channel")),
        ("centre", _("Satisfaction by centre")),
        ("topic", _("Satisfaction by topic")),
        ("period", _("Satisfaction by period")),
    ]
    for dim, title in titled:
        found = got[(dim,)]
        chart = Chart("line" if dim == "period" else "bar", "label", ("rating_average",))
        sections.append(
            _section(
                f"by_{dim}",
                title,
                _csat_summary(total),
                found,
                dim,
                filters,
                _csat_columns(),
                chart,
                total,
            )
        )
    return _document("satisfaction", _("Satisfaction"), filters, scope, sections)


SPECS = [
    ReportSpec(
        "overview",
        gettext_lazy("Overview"),
        gettext_lazy(
            "Requests received by channel, the backlog, response and resolution "
            "times, service levels and satisfaction at a glance."
        ),
        overview,
        from_rollup=True,
    ),
    ReportSpec(
        "volume",
        gettext_lazy("Volume of requests"),
        gettext_lazy(
            "Requests received, resolved and open by period, channel, centre, ORP, "
            "municipality, topic and kind."
        ),
        volume,
        from_rollup=True,
    ),
    ReportSpec(
        "times",
        gettext_lazy("Response and resolution times"),
        gettext_lazy(
            "Median and 90th percentile of the first response and resolution in "
            "working time, by centre, channel and period."
        ),
        times,
        from_rollup=True,
    ),
    ReportSpec(
        "sla",
        gettext_lazy("Service levels and statutory deadlines"),
        gettext_lazy(
            "Service level compliance and the statutory deadlines of information "
            "requests (met, met after an extension, missed)."
        ),
        sla,
        for_agents=False,
        from_rollup=True,
    ),
    ReportSpec(
        "satisfaction",
        gettext_lazy("Satisfaction"),
        gettext_lazy("Citizens' ratings by channel, centre, topic and period."),
        satisfaction,
        from_rollup=True,
    ),
]
