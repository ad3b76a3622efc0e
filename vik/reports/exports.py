"""A `ReportDocument` as a file: CSV, XLSX (openpyxl) and PDF (WeasyPrint), each with the
report's filters written on it.

CSV is for Czech Excel, which opens a double-clicked file in the system's code page and splits
it on `;` (the list separator where the decimal separator is a comma): UTF-8 with a BOM, `;`,
decimal commas. Numbers are bare (percent as a number of percent, working minutes as minutes;
the unit in the header) so that a spreadsheet can sum them. The title, the filters and the
time of generation come first, each on its own line, then each section: its title, header and
rows, an empty line between sections.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from vik.core import clock

from .charts import chart_svg
from .document import Column, ReportDocument, Section
from .formatting import format_date, format_number, format_value, is_numeric_kind, plain_number

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FORMATS = tuple(CONTENT_TYPES)


def column_header(column: Column) -> str:
    """The header of a column in a file, with the unit of its bare numbers."""
    if column.kind == "percent":
        return f"{column.label} (%)"
    if column.kind == "minutes":
        return f"{column.label} ({_('working minutes')})"
    return column.label


def _generated(document: ReportDocument) -> str:
    return format_date(timezone.localtime(document.generated_at, clock.PRAGUE))


def _csv_value(value: Any, kind: str) -> str:
    if not is_numeric_kind(kind):
        return format_value(value, kind)
    number = plain_number(value)
    if number is None:
        return ""
    if kind == "percent":
        return format_number(number * 100, 1).replace("\u00a0", "")
    if kind == "count":
        return str(int(number))
    return format_number(number, 1 if kind == "number" else 0).replace("\u00a0", "")


def document_csv(document: ReportDocument) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([document.title])
    for label, value in document.filters_description:
        writer.writerow([label, value])
    writer.writerow([_("Generated"), _generated(document)])
    for section in document.sections:
        writer.writerow([])
        writer.writerow([section.title])
        writer.writerow([column_header(column) for column in section.columns])
        for row in section.rows:
            writer.writerow([_csv_value(row.get(c.key), c.kind) for c in section.columns])
        if section.totals:
            writer.writerow(
                [
                    _csv_value(section.totals.get(c.key), c.kind) if c.key in section.totals
                    else (_("Total") if index == 0 else "")
                    for index, c in enumerate(section.columns)
                ]
            )  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")


XLSX_FORMATS = {"count": "#,##0", "percent": "0.0 %", "minutes": "#,##0", "number": "0.0"}


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique within the workbook.
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()[:31] or "List"
    candidate, number = clean, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = clean[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def _xlsx_cell(value: Any, kind: str) -> Any:
    if is_numeric_kind(kind):
        return plain_number(value)
    if value is None or isinstance(value, int | float):
        return value
    return format_value(value, kind)  # text (a lazy label too) and dates as words


def _xlsx_section(sheet: Any, section: Section) -> None:
    bold = Font(bold=True)
    sheet.append([section.title])
    sheet["A1"].font = Font(bold=True, size=13)
    if section.summary:
        sheet.append([section.summary])
    sheet.append([])
    sheet.append([column_header(column) for column in section.columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in section.rows:
        sheet.append([_xlsx_cell(row.get(c.key), c.kind) for c in section.columns])
    if section.totals:
        sheet.append(
            [
                _xlsx_cell(section.totals.get(c.key), c.kind) if c.key in section.totals
                else (_("Total") if index == 0 else None)
                for index, c in enumerate(section.columns)
            ]
        )  # fmt: skip
        for cell in sheet[sheet.max_row]:
            cell.font = bold
    for index, column in enumerate(section.columns, start=1):
        letter = get_column_letter(index)
        number_format = XLSX_FORMATS.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                cell.number_format = number_format
        sheet.column_dimensions[letter].width = max(12, min(48, len(column_header(column)) + 4))
    if section.note:
        sheet.append([])
        sheet.append([section.note])
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def document_xlsx(document: ReportDocument) -> bytes:
    """One sheet per section after a first sheet with the title, the filters and the time of
    generation; numbers are numbers (percent as a share formatted "0.0 %", working minutes as
    minutes)."""
    workbook = Workbook()
    used: set[str] = set()
    cover = workbook.active
    cover.title = _sheet_title(_("Report"), used)
    cover.append([document.title])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([])
    for label, value in document.filters_description:
        cover.append([label, value])
    cover.append([_("Generated"), _generated(document)])
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 60
    for section in document.sections:
        _xlsx_section(workbook.create_sheet(_sheet_title(section.title, used)), section)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def document_pdf_html(document: ReportDocument) -> str:
    sections = [
        {
            "section": section,
            "svg": chart_svg(section),
            "headers": [(c.label, is_numeric_kind(c.kind)) for c in section.columns],
            "rows": [
                [
                    (format_value(row.get(c.key), c.kind), is_numeric_kind(c.kind))
                    for c in section.columns
                ]
                for row in section.rows
            ],
            "totals": [
                (
                    format_value(section.totals.get(c.key), c.kind) if c.key in section.totals
                    else (_("Total") if index == 0 else ""),
                    is_numeric_kind(c.kind),
                )
                for index, c in enumerate(section.columns)
            ] if section.totals else None,
        }
        for section in document.sections
    ]  # fmt: skip
    return render_to_string(
        "reports/document_pdf.html",
        {"document": document, "sections": sections, "generated": _generated(document)},
    )


def document_pdf(document: ReportDocument) -> bytes:
    """A4, the filters on the first page, each section with its summary, chart and table;
    "Strana X z Y" in the footer."""
    from weasyprint import HTML  # local import: half a second to load; only PDFs need it

    pdf: bytes = HTML(string=document_pdf_html(document)).write_pdf()
    return pdf


def document_file(document: ReportDocument, file_format: str) -> bytes:
    if file_format == "csv":
        return document_csv(document)
    if file_format == "xlsx":
        return document_xlsx(document)
    if file_format == "pdf":
        return document_pdf(document)
    raise ValueError(file_format)
