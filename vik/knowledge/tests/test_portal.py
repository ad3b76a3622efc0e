"""The public pages: browse, search, article, "Was this helpful?", and the JSON search API."""

import re
from urllib.parse import quote

import pytest

from vik.knowledge import services
from vik.knowledge.models import ArticleFeedback


def page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_portal_and_the_staff_navigation_link_the_knowledge_centre(world, client):
    assert 'href="/znalosti/"' in page(client.get("/"))
    client.force_login(world.alice)
    assert 'href="/staff/knowledge/"' in page(client.get("/staff/requests/"))


def test_home_lists_topics_and_kinds_of_public_articles_only(world, client, id_card, staff_note):
    html = page(client.get("/znalosti/"))
    assert 'href="/znalosti/?tema=documents"' in html
    assert 'href="/znalosti/?druh=life_situation"' in html
    assert "druh=methodology" not in html  # the only methodology is for staff
    listed = page(client.get("/znalosti/", {"tema": "documents"}))
    assert f'href="/znalosti/clanek/{id_card.slug}/"' in listed
    assert staff_note.slug not in listed


def test_search_page_highlights_and_offers_to_ask_with_the_text(world, client, id_card):
    html = page(client.get("/znalosti/hledat/", {"q": "obcansky prukaz"}))
    assert f'href="/znalosti/clanek/{id_card.slug}/?q=obcansky%20prukaz"' in html
    assert "<mark>občanský</mark>" in html.lower() or "<mark>Občanský</mark>" in html
    assert 'href="/?q=obcansky+prukaz"' in html


def test_search_without_results_leads_to_the_form(world, client, id_card):
    html = page(client.get("/znalosti/hledat/", {"q": "rybářský lístek <b>"}))
    assert "<b>" not in html.split("<main")[1]  # the query is escaped
    assert 'href="/?q=ryb%C3%A1%C5%99sk%C3%BD+l%C3%ADstek+%3Cb%3E"' in html
    # The web form takes the text over as the message.
    form = page(client.get("/", {"q": "rybářský lístek"}))
    assert "rybářský lístek</textarea>" in form


def test_a_citizen_never_sees_a_staff_article(world, client, staff_note):
    assert client.get(f"/znalosti/clanek/{staff_note.slug}/").status_code == 404
    assert staff_note.slug not in page(client.get("/znalosti/hledat/", {"q": "ztráta průkazu"}))
    assert client.get("/api/v1/knowledge/search", {"q": "ztráta průkazu"}).json() == []
    # Not even when a member of staff browses the portal: the portal is what the public sees.
    client.force_login(world.alice)
    assert client.get(f"/znalosti/clanek/{staff_note.slug}/").status_code == 404


def test_drafts_and_archived_articles_are_not_found(world, client, id_card):
    draft = services.article_create(by=None, kind="faq", title="Návrh", body="…")
    assert client.get(f"/znalosti/clanek/{draft.slug}/").status_code == 404
    services.article_archive(article=id_card, by=None)
    assert client.get(f"/znalosti/clanek/{id_card.slug}/").status_code == 404


def test_the_article_page_renders_sections_in_the_standard_order(world, client, id_card):
    html = page(client.get(f"/znalosti/clanek/{id_card.slug}/"))
    documents = html.index("<h2>Jaké doklady potřebujete</h2>")
    fees = html.index("<h2>Poplatky</h2>")
    assert documents < fees  # the standard order, not the order they were saved in
    assert "<strong>expresní</strong>" in html
    assert 'action="/znalosti/clanek/obcansky-prukaz/hodnoceni"' in html
    assert "csrfmiddlewaretoken" in html


def test_markdown_is_rendered_safely(world, client):
    article = services.article_create(
        by=None, kind="faq", title="Bezpečnost",
        body="<script>alert(1)</script> [odkaz](javascript:alert(2))"
        " <img src=x onerror=alert(3)>\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    )  # fmt: skip
    services.article_publish(article=article, by=None)
    html = page(client.get(f"/znalosti/clanek/{article.slug}/"))
    body = html.split('<div class="vik-html">')[1].split("</div>")[0]
    assert "<script>" not in body
    assert "&lt;script&gt;" in body  # raw HTML shows as text
    assert 'href="javascript' not in body  # not a link: the Markdown stays text
    assert "<img" not in body
    assert "<table>" in body


def test_feedback_is_stored_and_not_helpful_offers_to_ask(world, client, id_card):
    url = f"/znalosti/clanek/{id_card.slug}/hodnoceni"
    response = client.post(
        url, {"helpful": "no", "comment": "Chybí <b>otevírací doba</b>.", "q": "průkaz pro dítě"}
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"/znalosti/clanek/{id_card.slug}/?q={quote('průkaz pro dítě').replace('%20', '+')}"
        "&ohlas=ne#feedback"
    )
    feedback = ArticleFeedback.objects.get()
    assert (feedback.is_helpful, feedback.comment, feedback.query) == (
        False, "Chybí <b>otevírací doba</b>.", "průkaz pro dítě",
    )  # fmt: skip
    assert feedback.version == id_card.published_version

    html = page(client.get(response["Location"].split("#")[0]))
    ask = re.search(r'<a href="([^"]+)" data-testid="ask">', html)
    assert ask and ask.group(1) == "/?q=pr%C5%AFkaz+pro+d%C3%ADt%C4%9B"

    assert client.post(url, {"helpful": "yes"}).status_code == 302
    assert ArticleFeedback.objects.filter(is_helpful=True).count() == 1


def test_feedback_needs_the_csrf_token(world, id_card):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/znalosti/clanek/{id_card.slug}/hodnoceni", {"helpful": "yes"})
    assert response.status_code == 403
    assert not ArticleFeedback.objects.exists()


def test_feedback_from_a_robot_is_not_stored(world, client, id_card):
    url = f"/znalosti/clanek/{id_card.slug}/hodnoceni"
    assert client.post(url, {"helpful": "no", "website": "http://spam"}).status_code == 302
    assert client.post(url, {"helpful": "maybe"}).status_code == 400
    assert not ArticleFeedback.objects.exists()


def test_feedback_on_a_staff_article_is_404(world, client, staff_note):
    response = client.post(f"/znalosti/clanek/{staff_note.slug}/hodnoceni", {"helpful": "yes"})
    assert response.status_code == 404
    assert not ArticleFeedback.objects.exists()


# The API ------------------------------------------------------------------------------------


def test_the_search_api_returns_public_articles_as_json(world, client, id_card, staff_note):
    response = client.get("/api/v1/knowledge/search", {"q": "občanského průkazu", "limit": 5})
    assert response.status_code == 200
    [result] = response.json()
    assert result["id"] == id_card.pk
    assert result["title"] == "Občanský průkaz"
    assert result["kind"] == "life_situation"
    assert result["url"] == f"http://testserver/znalosti/clanek/{id_card.slug}/"
    assert 0 < result["score"] <= 1
    assert "<mark>" in result["snippet"]


@pytest.mark.parametrize("params", [{}, {"q": "x", "limit": 0}, {"q": "x", "limit": 51}])
def test_the_search_api_validates_its_parameters(world, client, params):
    assert client.get("/api/v1/knowledge/search", params).status_code == 422


def test_the_api_has_an_openapi_schema(world, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/knowledge/search" in schema["paths"]
