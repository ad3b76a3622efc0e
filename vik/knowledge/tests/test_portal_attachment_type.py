"""A form offered for download is served as what it is (issue 19): a PDF as application/pdf,
still a download (never rendered in our origin)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vik.demo.knowledge import _form_pdf
from vik.knowledge.models import ArticleAttachment
from vik.knowledge.views.staff import attachment_response

from .conftest import publish

pytestmark = pytest.mark.django_db


def test_the_demo_form_is_a_real_pdf_served_as_application_pdf(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    pdf = _form_pdf("Žádost – Přihlášení k trvalému pobytu")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 2000  # a real page with an embedded font, not a hand-made stub
    attachment = ArticleAttachment(
        filename="zadost.pdf", content_type="application/pdf", size=len(pdf)
    )
    attachment.file.save("zadost.pdf", SimpleUploadedFile("zadost.pdf", pdf), save=False)
    response = attachment_response(attachment)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    attachment.content_type = "text/html"  # never anything a browser would run
    assert attachment_response(attachment)["Content-Type"] == "application/octet-stream"


def test_the_fees_section_shows_the_amount_the_centre_set(world, client):
    article = publish(
        kind="life_situation",
        title="Poplatek ze psů",
        sections={"fees": "Sazbu stanoví vyhláška města."},
        fee_amount=1200,
        region=world.region,
    )
    html = client.get(f"/znalosti/clanek/{article.slug}/").content.decode()
    fees = html[html.index('data-section="fees"') :]
    assert "Poplatek: <strong>1\xa0200 Kč</strong>" in fees
    assert fees.index('data-testid="fee-amount"') < fees.index("Sazbu stanoví vyhláška města.")
