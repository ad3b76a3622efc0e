"""Files of a live article go through review like its text (issue 14, item 3): an author's new
file or deletion joins the article's draft; citizens keep downloading what was published until
a knowledge editor publishes the draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vik.audit.models import AuditEvent
from vik.knowledge import services
from vik.knowledge.choices import ArticleState
from vik.knowledge.models import Article, ArticleAttachment
from vik.tenancy.models import User
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World

from .conftest import publish
from .test_attachments import PDF, attach, download, pdf, stored_files

pytestmark = pytest.mark.django_db


def citizen_download(client: Any, article: Article, attachment: ArticleAttachment) -> Any:
    client.logout()
    return client.get(f"/znalosti/clanek/{article.slug}/priloha/{attachment.pk}/")


def citizen_page(client: Any, article: Article) -> str:
    client.logout()
    return str(client.get(f"/znalosti/clanek/{article.slug}/").content.decode())


def editor_publishes(client: Any, editor: User, article: Article) -> Any:
    client.force_login(editor)
    with run_on_commit():
        return client.post(f"/staff/knowledge/{article.pk}/publish")


def published_file(article: Article, by: User, name: str = "zadost.pdf") -> ArticleAttachment:
    attachment = services.attachment_add(article=article, by=by, upload=pdf(name))
    with run_on_commit():
        services.article_publish(article=article, by=None)
    attachment.refresh_from_db()
    return attachment


def test_an_agents_file_on_a_live_article_is_public_only_after_an_editor_publishes(
    world: World, client, id_card, grace
) -> None:
    assert id_card.is_live and id_card.published_version.number == 1
    client.force_login(world.alice)  # an agent may propose; she never publishes

    response = attach(client, id_card, pdf(), title="Žádost o průkaz")

    assert response.status_code == 302
    attachment = ArticleAttachment.objects.get()
    assert (attachment.published_at, attachment.uploaded_by) == (None, world.alice)
    id_card.refresh_from_db()
    assert id_card.state == ArticleState.DRAFT  # waits for a reviewer, as after a text edit
    assert id_card.published_version.number == 1  # readers keep the published text
    draft = id_card.versions.get(number=2)
    assert (draft.author, draft.note) == (world.alice, "Přidán soubor: zadost.pdf")
    assert draft.content() == id_card.published_version.content()
    event = AuditEvent.objects.get(action="knowledge.attachment_add")
    assert (event.actor, event.details["draft"]) == (world.alice, 2)

    assert 'data-testid="attachments"' not in citizen_page(client, id_card)
    assert citizen_download(client, id_card, attachment).status_code == 404

    # The agent cannot publish it herself.
    client.force_login(world.alice)
    client.post(f"/staff/knowledge/{id_card.pk}/publish")
    assert citizen_download(client, id_card, attachment).status_code == 404
    id_card.refresh_from_db()
    assert id_card.published_version.number == 1

    response = editor_publishes(client, grace, id_card)  # the region's knowledge editor

    assert response.status_code == 302
    id_card.refresh_from_db()
    assert (id_card.state, id_card.published_version.number) == (ArticleState.PUBLISHED, 2)
    response = citizen_download(client, id_card, attachment)
    assert response.status_code == 200
    assert download(response) == PDF
    assert "Žádost o průkaz" in citizen_page(client, id_card)
    published = AuditEvent.objects.get(action="knowledge.publish", actor=grace)
    assert published.details["files_added"] == ["zadost.pdf"]


def test_a_second_change_joins_the_pending_draft(world: World, id_card) -> None:
    services.attachment_add(article=id_card, by=world.alice, upload=pdf("a.pdf"))
    services.attachment_add(article=id_card, by=world.bob, upload=pdf("b.pdf"))

    assert list(id_card.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert ArticleAttachment.objects.filter(published_at__isnull=True).count() == 2


def test_the_staff_page_marks_the_draft_s_files_and_only_authors_and_reviewers_get_them(
    world: World, client, id_card
) -> None:
    pending = services.attachment_add(article=id_card, by=world.alice, upload=pdf())
    url = f"/staff/knowledge/{id_card.pk}/attachments/{pending.pk}/"

    client.force_login(world.bob)  # may write the region's articles: reviews the proposal
    html = client.get(f"/staff/knowledge/{id_card.pk}/").content.decode()
    assert 'data-testid="attachment-pending"' in html
    assert client.get(url).status_code == 200

    client.force_login(world.erin)  # reads the article, neither writes nor reviews it
    html = client.get(f"/staff/knowledge/{id_card.pk}/").content.decode()
    assert f'data-attachment="{pending.pk}"' not in html
    assert client.get(url).status_code == 404


def test_deleting_a_public_file_goes_through_the_draft(
    world: World, client, id_card, grace
) -> None:
    attachment = published_file(id_card, world.carol)
    path = Path(attachment.file.path)
    client.force_login(world.alice)

    response = client.post(f"/staff/knowledge/{id_card.pk}/attachments/{attachment.pk}/delete")

    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.remove_on_publish and path.is_file()
    id_card.refresh_from_db()
    assert id_card.state == ArticleState.DRAFT
    assert id_card.versions.get(number=3).note == "Odebrán soubor: zadost.pdf"
    response = citizen_download(client, id_card, attachment)
    assert (response.status_code, download(response)) == (200, PDF)  # until an editor decides
    client.force_login(world.alice)
    html = client.get(f"/staff/knowledge/{id_card.pk}/").content.decode()
    assert 'data-testid="attachment-removal"' in html
    assert 'data-testid="attachment-delete"' not in html  # removed once is enough

    editor_publishes(client, grace, id_card)

    assert not ArticleAttachment.objects.exists()
    assert not path.exists()
    assert citizen_download(client, id_card, attachment).status_code == 404
    published = AuditEvent.objects.filter(action="knowledge.publish", actor=grace).get()
    assert published.details["files_removed"] == ["zadost.pdf"]


def test_an_agent_of_another_centre_cannot_touch_the_article(world: World, client, id_card) -> None:
    local = publish(kind="faq", title="Parkování v Jihlavě", centre=world.centre_a)
    kept = published_file(local, world.alice, "parkovani.pdf")
    regional = published_file(id_card, world.carol, "prukaz.pdf")
    before = (
        list(Article.objects.order_by("pk").values_list("pk", "state", "published_version")),
        list(ArticleAttachment.objects.order_by("pk").values_list("pk", "remove_on_publish")),
        stored_files(),
        AuditEvent.objects.count(),
    )

    client.force_login(world.bob)  # centre B's agent: centre A's article is not his
    assert attach(client, local, pdf("jine.pdf")).status_code in (403, 404)
    response = client.post(f"/staff/knowledge/{local.pk}/attachments/{kept.pk}/delete")
    assert response.status_code in (403, 404)
    client.force_login(world.dave)  # another region's coordinator: not his region's article
    assert attach(client, id_card, pdf("jine.pdf")).status_code == 403
    response = client.post(f"/staff/knowledge/{id_card.pk}/attachments/{regional.pk}/delete")
    assert response.status_code == 403

    after = (
        list(Article.objects.order_by("pk").values_list("pk", "state", "published_version")),
        list(ArticleAttachment.objects.order_by("pk").values_list("pk", "remove_on_publish")),
        stored_files(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_a_file_readers_never_got_is_deleted_at_once(world: World, client, id_card) -> None:
    pending = services.attachment_add(article=id_card, by=world.alice, upload=pdf())
    path = Path(pending.file.path)
    client.force_login(world.bob)

    with run_on_commit():
        client.post(f"/staff/knowledge/{id_card.pk}/attachments/{pending.pk}/delete")

    assert not ArticleAttachment.objects.exists()
    assert not path.exists()
