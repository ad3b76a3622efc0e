"""The printed receipt of a recorded request: a one-page A4 PDF made by WeasyPrint."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def receipt_pdf(context: dict[str, Any]) -> bytes:
    """The receipt (`workspace/receipt_pdf.html` with `context`) as PDF bytes."""
    from weasyprint import HTML  # local import: half a second to load; only the receipt needs it

    html = render_to_string("workspace/receipt_pdf.html", context)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
