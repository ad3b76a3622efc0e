"""A `ReportDocument` laid out for the page: each section's table as rows of cells with their
text in Czech notation and the link of every number to the staff request list (`drill_url`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from .charts import chart_data
from .document import Column, ReportDocument, Section
from .filters import Scope
from .formatting import format_value, is_numeric_kind


def drill_url(
    document: ReportDocument,
    column: Column,
    *,
    row_drill: dict[str, str] | None = None,
    scope: Scope | None = None,
) -> str:
    """The staff request list that lists the requests behind a number: the report's filters
    (`drill_base`), the row's dimension values, the column's own condition, and an agent's
    "own work" (assigned to them). Empty when the column links nowhere."""
    if column.drill is None:
        return ""
    params: dict[str, str] = {**document.drill_base, **(row_drill or {}), **column.drill}
    if scope is not None and scope.agent_id is not None:
        params["assignee"] = "me"  # the agent reading their own work
    elif scope is not None and scope.centre_ids is not None and len(scope.centre_ids) == 1:
        # A lead's list would also show what other centres share with them.
        params.setdefault("centre", str(next(iter(scope.centre_ids))))
    return reverse("staff:request_list") + "?" + urlencode(sorted(params.items()))


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool
    href: str = ""
    header: bool = False


@dataclass(frozen=True)
class SectionView:
    section: Section
    dom_id: str
    headers: list[tuple[str, bool]]
    rows: list[list[Cell]]
    totals: list[Cell] | None
    chart: dict[str, Any] | None

    @property
    def data_id(self) -> str:
        return f"{self.dom_id}-data"


def _cells(
    document: ReportDocument,
    section: Section,
    values: dict[str, Any],
    row_drill: dict[str, str] | None,
    scope: Scope | None,
) -> list[Cell]:
    cells = []
    for index, column in enumerate(section.columns):
        value = values.get(column.key)
        numeric = is_numeric_kind(column.kind)
        href = ""
        if numeric and value not in (None, "") and row_drill is not None:
            href = drill_url(document, column, row_drill=row_drill, scope=scope)
        cells.append(Cell(format_value(value, column.kind), numeric, href, header=index == 0))
    return cells


def section_views(document: ReportDocument, scope: Scope | None) -> list[SectionView]:
    views = []
    for number, section in enumerate(document.sections):
        rows = [
            _cells(
                document,
                section,
                row,
                section.row_drill[index] if index < len(section.row_drill) else None,
                scope,
            )
            for index, row in enumerate(section.rows)
        ]
        totals = None
        if section.totals:
            totals = _cells(document, section, section.totals, section.totals_drill, scope)
            if section.columns and section.columns[0].key not in section.totals:
                totals[0] = Cell("", False, header=True)
        views.append(
            SectionView(
                section=section,
                dom_id=f"section-{section.slug or number}",
                headers=[(c.label, is_numeric_kind(c.kind)) for c in section.columns],
                rows=rows,
                totals=totals,
                chart=chart_data(section),
            )
        )
    return views
