"""Attachments of articles: forms to download, uploaded by who may write the article, served
as downloads only, and to the public only from a live public article once a reviewer has
published them (test_attachment_review.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from vik.audit.models import AuditEvent
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.knowledge import services
from vik.knowledge.models import Article, ArticleAttachment
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World

from .conftest import publish

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 60  # a zip, as every Office Open XML file


def pdf(name: str = "zadost.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def attach(client: Any, article: Article, upload: SimpleUploadedFile, **extra: str) -> Any:
    return client.post(
        f"/staff/knowledge/{article.pk}/attachments/",
        {"attachment-file": upload, "attachment-title": extra.get("title", ""), **extra},
    )


def download(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def publish_files(article: Article) -> None:
    """A reviewer (VIK itself here) publishes the draft the files joined."""
    with run_on_commit():
        services.article_publish(article=article, by=None)


def test_an_author_attaches_a_form_that_citizens_download(world: World, client, id_card) -> None:
    client.force_login(world.carol)  # the region's coordinator writes the region's articles

    response = attach(client, id_card, pdf(), title="Žádost o vydání průkazu", back="edit")

    assert response.status_code == 302
    assert response["Location"] == f"/staff/knowledge/{id_card.pk}/edit/"
    attachment = ArticleAttachment.objects.get()
    assert (attachment.article, attachment.filename, attachment.title) == (
        id_card,
        "zadost.pdf",
        "Žádost o vydání průkazu",
    )
    assert (attachment.content_type, attachment.size) == ("application/pdf", len(PDF))
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (attachment.uploaded_by, attachment.uploaded_at is not None) == (world.carol, True)
    assert AuditEvent.objects.filter(action="knowledge.attachment_add").count() == 1
    publish_files(id_card)

    client.logout()
    html = client.get(f"/znalosti/clanek/{id_card.slug}/").content.decode()
    assert 'data-testid="attachments"' in html
    url = f"/znalosti/clanek/{id_card.slug}/priloha/{attachment.pk}/"
    assert f'href="{url}"' in html
    assert "Žádost o vydání průkazu" in html

    response = client.get(url)

    assert response.status_code == 200
    assert download(response) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="zadost.pdf"'
    assert response["Content-Type"] == "application/pdf"  # what it is, still a download
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_staff_pages_list_the_attachments_and_staff_download_them(
    world: World, client, id_card
) -> None:
    attachment = services.attachment_add(article=id_card, by=world.carol, upload=pdf())
    publish_files(id_card)
    client.force_login(world.alice)  # an agent of centre A may write region articles too

    for path in (f"/staff/knowledge/{id_card.pk}/", f"/staff/knowledge/{id_card.pk}/edit/"):
        html = client.get(path).content.decode()
        assert f'data-attachment="{attachment.pk}"' in html
        assert 'data-testid="attachment-upload"' in html
        assert 'enctype="multipart/form-data"' in html

    response = client.get(f"/staff/knowledge/{id_card.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert download(response) == PDF
    assert response["Content-Disposition"].startswith("attachment;")

    client.force_login(world.erin)  # the analyst reads the article but may not write it
    html = client.get(f"/staff/knowledge/{id_card.pk}/").content.decode()
    assert f'data-attachment="{attachment.pk}"' in html
    assert 'data-testid="attachment-upload"' not in html
    assert 'data-testid="attachment-delete"' not in html


def test_who_may_not_write_the_article_may_not_attach_nor_delete(
    world: World, client, id_card
) -> None:
    local = publish(kind="faq", title="Parkování v Třebíči", centre=world.centre_b)
    kept = services.attachment_add(article=local, by=world.bob, upload=pdf())
    files_before = stored_files()
    client.force_login(world.alice)  # centre A's agent: centre B's articles are not hers

    assert attach(client, local, pdf("jine.pdf")).status_code in (403, 404)
    response = client.post(f"/staff/knowledge/{local.pk}/attachments/{kept.pk}/delete")
    assert response.status_code in (403, 404)

    client.force_login(world.erin)
    assert attach(client, id_card, pdf("jine.pdf")).status_code == 403

    assert list(ArticleAttachment.objects.all()) == [kept]
    assert stored_files() == files_before
    with pytest.raises(PermissionDenied):
        services.attachment_add(article=id_card, by=world.erin, upload=pdf())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("navod.html", b"<html><script>alert(1)</script></html>"),  # not an allowed type
        ("program.exe", b"MZ\x90\x00"),
        ("zadost.pdf", b"<html><script>alert(1)</script></html>"),  # not what it says it is
        ("tabulka.xlsx", PDF),
        ("bez-pripony", PDF),
        ("prazdny.pdf", b""),
    ],
)
def test_only_documents_and_images_that_are_what_they_say_are_accepted(
    world: World, client, id_card, name: str, content: bytes
) -> None:
    client.force_login(world.carol)

    response = attach(client, id_card, pdf(name, content))

    assert response.status_code == 302
    assert not ArticleAttachment.objects.exists()
    assert stored_files() == []


def test_office_files_and_a_path_in_the_name(world: World, id_card) -> None:
    attachment = services.attachment_add(
        article=id_card, by=world.carol, upload=pdf("../../C:\\tmp\\Formulář žádosti.docx", DOCX)
    )

    assert attachment.filename == "Formulář žádosti.docx"
    assert attachment.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert Path(settings.MEDIA_ROOT) in Path(attachment.file.path).parents


def test_a_file_over_the_limit_is_refused(world: World, client, id_card, settings) -> None:
    settings.VIK_KNOWLEDGE_ATTACHMENT_MAX_BYTES = len(PDF) - 1
    client.force_login(world.carol)

    attach(client, id_card, pdf())

    assert not ArticleAttachment.objects.exists()
    assert stored_files() == []
    with pytest.raises(ValidationFailed):
        services.attachment_add(article=id_card, by=world.carol, upload=pdf())
    settings.VIK_KNOWLEDGE_ATTACHMENT_MAX_BYTES = len(PDF)
    assert services.attachment_add(article=id_card, by=world.carol, upload=pdf()).size == len(PDF)


def test_the_public_gets_no_attachment_of_an_article_it_may_not_read(
    world: World, client, id_card, staff_note
) -> None:
    internal = services.attachment_add(article=staff_note, by=world.carol, upload=pdf())
    draft = services.article_create(by=world.carol, kind="faq", title="Návrh", region=world.region)
    unpublished = services.attachment_add(article=draft, by=world.carol, upload=pdf())
    public = services.attachment_add(article=id_card, by=world.carol, upload=pdf())
    publish_files(staff_note)
    publish_files(id_card)

    assert (
        client.get(f"/znalosti/clanek/{staff_note.slug}/priloha/{internal.pk}/").status_code == 404
    )
    assert client.get(f"/znalosti/clanek/{draft.slug}/priloha/{unpublished.pk}/").status_code == 404
    # Another article's attachment under a readable article's address.
    assert client.get(f"/znalosti/clanek/{id_card.slug}/priloha/{internal.pk}/").status_code == 404
    assert client.get(f"/znalosti/clanek/{id_card.slug}/priloha/{public.pk}/").status_code == 200

    services.article_archive(article=id_card, by=world.carol)

    assert client.get(f"/znalosti/clanek/{id_card.slug}/priloha/{public.pk}/").status_code == 404
    client.force_login(world.dave)  # another region's coordinator: not in his staff workspace
    response = client.get(f"/staff/knowledge/{staff_note.pk}/attachments/{internal.pk}/")
    assert response.status_code == 404


def test_an_author_deletes_an_attachment_and_its_file(world: World, client, id_card) -> None:
    attachment = services.attachment_add(article=id_card, by=world.carol, upload=pdf())
    path = Path(attachment.file.path)
    assert path.is_file()
    client.force_login(world.alice)

    with run_on_commit():
        response = client.post(f"/staff/knowledge/{id_card.pk}/attachments/{attachment.pk}/delete")

    assert response.status_code == 302
    assert response["Location"] == f"/staff/knowledge/{id_card.pk}/"
    assert not ArticleAttachment.objects.exists()
    assert not path.exists()
    assert AuditEvent.objects.filter(action="knowledge.attachment_delete").count() == 1
    client.logout()
    assert (
        'data-testid="attachments"'
        not in client.get(f"/znalosti/clanek/{id_card.slug}/").content.decode()
    )


def test_a_local_variant_without_forms_offers_the_shared_article_s(
    world: World, client, id_card
) -> None:
    shared_form = services.attachment_add(article=id_card, by=world.carol, upload=pdf())
    publish_files(id_card)
    variant = services.article_create(
        by=None, kind="life_situation", variant_of=id_card, centre=world.centre_a,
        title="Občanský průkaz v Jihlavě", body="Na přepážce č. 3.",
    )  # fmt: skip
    services.article_publish(article=variant, by=None)
    shared_url = f"/znalosti/clanek/{id_card.slug}/priloha/{shared_form.pk}/"

    html = client.get(f"/znalosti/clanek/{variant.slug}/").content.decode()

    assert f'href="{shared_url}"' in html
    assert client.get(shared_url).status_code == 200

    own = services.attachment_add(
        article=variant, by=world.carol, upload=pdf("jihlava.pdf"), title="Jihlavský formulář"
    )
    publish_files(variant)
    html = client.get(f"/znalosti/clanek/{variant.slug}/").content.decode()
    assert f'href="/znalosti/clanek/{variant.slug}/priloha/{own.pk}/"' in html
    assert shared_url not in html
