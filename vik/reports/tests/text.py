"""A report document as plain text, as a reader would see it: the tests read labels and cells
from it (no raw codes like "email" or "missed" may show)."""

from __future__ import annotations

from typing import Any

from vik.reports.document import ReportDocument

RAW_CODES = (
    "email",
    "missed",
    "answered",
    "ringing",
    "gave_up",
    "reached",
    "inbound",
    "outbound",
    "open",
    "new",
    "routing.",
    "sla.",
    "config.",
    "request.view",
    "contact.view",
    "agent",
    "region_coordinator",
    "centre_lead",
    "None",
    "True",
    "False",
)


def cell(value: Any) -> str:
    return "" if value is None else str(value)


def document_text(document: ReportDocument) -> str:
    lines = [document.title]
    lines += [f"{label}: {value}" for label, value in document.filters_description]
    for section in document.sections:
        lines += ["", section.title, section.summary, section.note]
        lines.append(" | ".join(column.label for column in section.columns))
        for row in section.rows:
            lines.append(" | ".join(cell(row.get(column.key)) for column in section.columns))
        if section.totals:
            lines.append(" | ".join(cell(section.totals.get(c.key)) for c in section.columns))
    return "\n".join(lines)


def raw_codes_in(document: ReportDocument) -> list[str]:
    """Raw codes shown as whole cells (the cells, not the summaries' words)."""
    found = []
    for section in document.sections:
        for row in [*section.rows, section.totals or {}]:
            for column in section.columns:
                if column.kind == "text" and cell(row.get(column.key)).strip() in RAW_CODES:
                    found.append(cell(row.get(column.key)))
    return found
