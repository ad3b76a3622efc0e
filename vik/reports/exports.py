"""A `ReportDocument` as a file: CSV, XLSX (openpyxl) and PDF (WeasyPrint), each with the
report's filters written on it. (Contract; implemented by the reports UI work.)"""

from __future__ import annotations

from .document import ReportDocument


def document_csv(document: ReportDocument) -> bytes:
    raise NotImplementedError


def document_xlsx(document: ReportDocument) -> bytes:
    raise NotImplementedError


def document_pdf(document: ReportDocument) -> bytes:
    raise NotImplementedError
