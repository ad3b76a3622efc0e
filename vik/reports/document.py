"""A report as data: what every builder returns and every renderer (the page with its charts,
CSV, XLSX, PDF, the scheduled e-mail) takes. Builders know nothing of HTML or files; renderers
know nothing of how a figure was computed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

# text: as is; count: an integer; percent: a share 0..1; minutes: working minutes (shown in hours
# and minutes or days); number: a decimal (an average rating); date: a date or a period label.
ColumnKind = Literal["text", "count", "percent", "minutes", "number", "date"]
ChartKind = Literal["bar", "stacked_bar", "line", "pie"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ColumnKind = "text"
    # Parameters of the staff request list that, added to the row's, list the requests behind a
    # number in this column (e.g. {"status": "open"}); None: the column's numbers link nowhere.
    drill: dict[str, str] | None = None


@dataclass(frozen=True)
class Chart:
    kind: ChartKind
    category: str  # the column whose values label the categories (x axis)
    series: tuple[str, ...]  # the columns plotted
    # Draw only this many categories, the largest by the first series (704 municipalities make
    # no chart, and a PDF of them takes seconds to lay out); the table lists them all.
    largest: int | None = None


@dataclass
class Section:
    slug: str
    title: str
    # One or two sentences in words that say what the chart shows, for everyone and for screen
    # readers ("V listopadu přišlo 1 234 požadavků, nejvíce e-mailem (41 %).").
    summary: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    # Parallel to rows: the request-list parameters of the row's dimension values
    # ({"channel": "email"}, {"centre": "12"}); empty dicts when the rows are not requests.
    row_drill: list[dict[str, str]] = field(default_factory=list)
    chart: Chart | None = None
    totals: dict[str, Any] | None = None
    note: str = ""
    # The totals row's request-list parameters; None: its numbers link nowhere (when no list
    # filter says "the rows together", e.g. "assigned to one of these people").
    totals_drill: dict[str, str] | None = field(default_factory=dict)


@dataclass
class ReportDocument:
    slug: str
    title: str
    # The filters in words, written on every export: [("Období", "1. 1. 2026 – 31. 12. 2026"), …]
    filters_description: list[tuple[str, str]]
    sections: list[Section]
    generated_at: dt.datetime
    # Request-list parameters of the report's own filters (period, centres, channels, …), the
    # base of every drill-down link.
    drill_base: dict[str, str] = field(default_factory=dict)
