"""Forms for coordinators (issue 19): return with comments, four eyes, the editor's preview."""

import pytest

from config.settings import base as base_settings
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.knowledge import services
from vik.knowledge.models import Article


@pytest.fixture(autouse=True)
def _four_eyes_default(settings):
    """The deployment's default (config.settings.base), which the package's conftest turns
    off for its older workflow tests."""
    settings.VIK_KNOWLEDGE_FOUR_EYES = base_settings.VIK_KNOWLEDGE_FOUR_EYES


def test_four_eyes_is_on_by_default():
    assert base_settings.VIK_KNOWLEDGE_FOUR_EYES is True


def _submitted(world) -> Article:
    article = services.article_create(
        by=world.alice, kind="faq", title="Kdy je otevřeno?", body="Po–Pá 8–17.",
        region=world.region,
    )  # fmt: skip
    return services.article_submit(article=article, by=world.alice)


def test_a_reviewer_returns_an_article_with_comments_the_author_reads_them(world, client):
    article = _submitted(world)
    client.force_login(world.carol)
    detail = client.get(f"/staff/knowledge/{article.pk}/").content.decode()
    assert f'action="/staff/knowledge/{article.pk}/return"' in detail
    assert "Vrátit s připomínkami" in detail

    # Without a comment nothing happens.
    client.post(f"/staff/knowledge/{article.pk}/return", {"comment": "  "})
    article.refresh_from_db()
    assert (article.state, article.returned_comment) == ("in_review", "")

    client.post(f"/staff/knowledge/{article.pk}/return", {"comment": "Doplňte sobotu."})
    article.refresh_from_db()
    assert (article.state, article.returned_comment) == ("draft", "Doplňte sobotu.")
    assert article.returned_by == world.carol

    client.force_login(world.alice)
    detail = client.get(f"/staff/knowledge/{article.pk}/").content.decode()
    assert 'data-testid="returned-comments"' in detail
    assert "Vráceno s připomínkami" in detail and "Doplňte sobotu." in detail
    assert f'action="/staff/knowledge/{article.pk}/submit"' in detail  # she can resubmit


def test_returning_needs_a_reviewer_and_an_article_in_review(world):
    article = _submitted(world)
    with pytest.raises(PermissionDenied):
        services.article_return(article=article, by=world.alice, comment="Ne.")
    with pytest.raises(ValidationFailed):
        services.article_return(article=article, by=world.carol, comment="")
    article.refresh_from_db()
    assert article.state == "in_review"


def _own_draft(world) -> Article:
    return services.article_create(
        by=world.carol, kind="faq", title="Parkování", body="Zdarma.", region=world.region
    )


def test_four_eyes_a_reviewer_does_not_publish_their_own_draft(world, client):
    article = _own_draft(world)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, by=world.carol)
    article.refresh_from_db()
    assert article.state == "draft" and article.published_version_id is None
    client.force_login(world.carol)
    detail = client.get(f"/staff/knowledge/{article.pk}/").content.decode()
    assert f'action="/staff/knowledge/{article.pk}/publish"' not in detail
    assert 'data-testid="four-eyes"' in detail


def test_four_eyes_off_an_author_may_publish_their_own(world, client, settings):
    settings.VIK_KNOWLEDGE_FOUR_EYES = False
    article = _own_draft(world)
    client.force_login(world.carol)
    detail = client.get(f"/staff/knowledge/{article.pk}/").content.decode()
    assert f'action="/staff/knowledge/{article.pk}/publish"' in detail
    client.post(f"/staff/knowledge/{article.pk}/publish")
    article.refresh_from_db()
    assert article.state == "published"


def test_the_editor_previews_the_text_sanitised_without_saving(world, client, id_card):
    client.force_login(world.carol)
    versions = id_card.versions.count()
    response = client.post(
        f"/staff/knowledge/{id_card.pk}/edit/",
        {
            "language": "cs", "title": "Občanský průkaz", "summary": "", "question": "",
            "body": "**Zdarma** <script>alert(1)</script> [odkaz](javascript:alert(1))",
            "section_fees": "500 Kč", "audience": "public", "topic": "", "tags": "",
            "note": "", "action": "preview",
        },
    )  # fmt: skip
    html = response.content.decode()
    preview = html.split('data-testid="article-preview"')[1].split("</section>")[0]
    assert "<strong>Zdarma</strong>" in preview
    assert "<script>alert" not in preview and "&lt;script&gt;" in preview
    assert 'href="javascript' not in preview
    assert "500 Kč" in preview
    assert id_card.versions.count() == versions  # nothing saved
    assert 'data-testid="article-preview-button"' in html
