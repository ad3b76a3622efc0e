"""A section's chart as data for the page's Chart.js (`chart_data`) and as a small SVG bar
chart drawn on the server for the PDF (`chart_svg`: WeasyPrint runs no JavaScript)."""

from __future__ import annotations

import math
from html import escape
from typing import Any

from .document import Section
from .formatting import format_value, plain_number

# Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart without hue too:
# the data table beside each chart carries every number.
PALETTE = ("#2362a2", "#c0392b", "#2e7d32", "#8e44ad", "#b35c00", "#00707a", "#5d4037")


def chart_data(section: Section) -> dict[str, Any] | None:
    """What vik-reports/charts.js draws: kind, category labels, series with values."""
    chart = section.chart
    if chart is None or not section.rows:
        return None
    columns = {column.key: column for column in section.columns}
    category = columns.get(chart.category)
    if category is None:
        return None
    rows = section.rows
    if chart.largest is not None and len(rows) > chart.largest and chart.series:
        first = chart.series[0]
        kept = sorted(
            range(len(rows)), key=lambda index: -(plain_number(rows[index].get(first)) or 0)
        )[: chart.largest]
        rows = [rows[index] for index in sorted(kept)]
    labels = [format_value(row.get(chart.category), category.kind) for row in rows]
    series = []
    for key in chart.series:
        column = columns.get(key)
        if column is None:
            continue
        factor = 100 if column.kind == "percent" else 1
        values = []
        for row in rows:
            number = plain_number(row.get(key))
            values.append(None if number is None else round(number * factor, 2))
        series.append({"label": column.label, "kind": column.kind, "values": values})
    if not series:
        return None
    return {
        "kind": chart.kind,
        "labels": labels,
        "series": series,
        "colours": list(PALETTE),
        "title": section.title,
    }


def _nice_top(value: float) -> float:
    """The axis' top: the value rounded up so that its quarters are round numbers."""
    if value <= 0:
        return 1
    step = value / 4
    magnitude = 10.0 ** math.floor(math.log10(step))
    for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step <= factor * magnitude:
            return 4 * factor * magnitude
    return value  # pragma: no cover


def chart_svg(section: Section, *, width: int = 640, height: int = 220) -> str:
    """A grouped (or stacked) bar chart of the section's series as an SVG element; empty when
    the section has no chart. Line and pie charts are drawn as bars too: on paper the table
    beside them carries the exact values."""
    data = chart_data(section)
    if data is None:
        return ""
    labels: list[str] = data["labels"]
    series: list[dict[str, Any]] = data["series"]
    stacked = data["kind"] == "stacked_bar"
    left, bottom, top, right = 44, 40, 22, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    if stacked:
        totals = [sum(s["values"][i] or 0 for s in series) for i in range(len(labels))]
        top_value = max(totals or [0])
    else:
        top_value = max((v or 0 for s in series for v in s["values"]), default=0)
    top_value = _nice_top(top_value)
    slot = plot_w / max(len(labels), 1)
    groups = 1 if stacked else len(series)
    bar_w = max(slot * 0.8 / groups, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans" font-size="9">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#444" stroke-width="0.8"/>',
    ]
    for step in range(5):
        value = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="0.5"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">'
            f"{escape(format_value(value, 'number' if top_value < 10 else 'count'))}</text>"
        )
    # Every n-th category label, so that labels (about 5 px a character) do not overlap.
    longest = max((len(label[:14]) for label in labels), default=1)
    every = max(1, math.ceil(longest * 5.2 / slot))
    for index, label in enumerate(labels):
        x0 = left + slot * index + slot * 0.1
        base: float = top + plot_h
        for number, item in enumerate(series):
            value = item["values"][index] or 0
            bar_h = plot_h * value / top_value
            x = x0 if stacked else x0 + bar_w * number
            y = base - bar_h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" '
                f'fill="{PALETTE[number % len(PALETTE)]}"/>'
            )
            if stacked:
                base = y
        if index % every == 0:
            parts.append(
                f'<text x="{left + slot * (index + 0.5):.1f}" y="{top + plot_h + 12}" '
                f'text-anchor="middle">{escape(label[:14])}</text>'
            )
    legend_x = left
    for number, item in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        parts.append(
            f'<rect x="{legend_x}" y="4" width="9" height="9" fill="{colour}"/>'
            f'<text x="{legend_x + 12}" y="12">{escape(str(item["label"]))}</text>'
        )
        legend_x += 24 + 6 * len(str(item["label"]))
    parts.append("</svg>")
    return "".join(parts)
