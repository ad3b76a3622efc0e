"""End to end in Chromium: a citizen searches the knowledge centre, reads an article, says it did
not help, and asks through the web form, which already holds the search text and suggests
articles for it. axe-core checks the knowledge pages. Selectors avoid translated labels: the Czech
catalogue may or may not be compiled when this runs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from vik.knowledge import services
from vik.knowledge.models import Article, ArticleFeedback, UsageEvent
from vik.testing.personas import PASSWORD, World, submit_web_request

from .test_browser_web_form import Watch, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUERY = "ztráta občanky"
LOST = "Ztráta nebo odcizení občanského průkazu"
HOW_LONG = "Jak dlouho trvá vyřízení nového občanského průkazu?"
COMMENT = "Nevím, kam mám jít, když bydlím v jiném kraji."


def publish(**fields: Any) -> Article:
    with translation.override("cs"):
        article = services.article_create(by=None, **fields)
        return services.article_publish(article=article, by=None)


@pytest.fixture
def articles(world: World) -> dict[str, Article]:
    return {
        "lost": publish(
            kind="life_situation",
            title=LOST,
            summary="Co udělat hned po ztrátě občanského průkazu a jak získat nový.",
            sections={
                "basic_information": "Ztrátu průkazu ohlaste bez zbytečného odkladu.",
                "fees": "Vydání nového průkazu za ztracený je zpoplatněno.",
            },
            region=world.region,
        ),
        "faq": publish(
            kind="faq",
            title=HOW_LONG,
            question=HOW_LONG,
            body="Standardně do 30 dnů od podání žádosti.",
            region=world.region,
        ),
        "staff": publish(
            kind="methodology",
            title="Ztráta občanského průkazu na přepážce: interní postup",
            body="Ověřte totožnost a zapište ztrátu.",
            audience="staff",
            region=world.region,
        ),
    }


def test_search_article_not_helpful_then_ask(
    articles: dict[str, Article], live_server: Any, page: Page
) -> None:
    base_url = live_server.url
    citizen = Watch(page)

    # 1. The knowledge centre's home page, then a search in Czech without diacritics care.
    page.goto(f"{base_url}/znalosti/")
    assert_accessible(page, "the knowledge home page")
    search = page.locator("main form[method=get]").first
    search.locator("input[name=q]").fill(QUERY)
    search.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/znalosti/hledat/\?"))
    results = page.locator(".vik-knowledge-hits")
    expect(results.get_by_role("link", name=LOST)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("interní postup")
    assert_accessible(page, "the search results")

    # 2. The article, answered "not helpful" with a comment.
    results.get_by_role("link", name=LOST).click()
    page.wait_for_url(re.compile(rf"/znalosti/clanek/{articles['lost'].slug}/"))
    expect(page.locator("h1")).to_have_text(LOST)
    assert_accessible(page, "the article page")
    feedback = page.locator("#feedback form")
    feedback.locator("textarea[name=comment]").fill(COMMENT)
    feedback.locator("button[name=helpful][value=no]").click()
    page.wait_for_url(re.compile(r"ohlas=ne"))
    answer = ArticleFeedback.objects.get()
    assert (answer.article_id, answer.is_helpful, answer.comment, answer.query) == (
        articles["lost"].pk,
        False,
        COMMENT,
        QUERY,
    )
    assert_accessible(page, "the article page after the answer")

    # 3. "Ask us": the form holds the search text and suggests articles for it at once.
    page.get_by_test_id("ask").click()
    page.wait_for_url(re.compile(r"/\?q="))
    expect(page.locator("#id_message")).to_have_value(QUERY)
    suggestions = page.get_by_test_id("suggestions")
    expect(suggestions.get_by_role("link", name=LOST)).to_be_visible()
    expect(suggestions).not_to_contain_text("interní postup")
    assert_accessible(page, "the web form with suggestions")

    # 4. Typing another question asks htmx for new suggestions.
    page.locator("#id_message").fill("")
    page.locator("#id_message").press_sequentially("jak dlouho trvá vyřízení průkazu", delay=20)
    expect(suggestions.get_by_role("link", name=HOW_LONG)).to_be_visible()
    citizen.check()


def test_agent_inserts_a_public_article_into_the_reply(
    articles: dict[str, Article], world: World, client: Any, live_server: Any, page: Page
) -> None:
    item = submit_web_request(client, message="Ztratila jsem občanský průkaz, co mám dělat?")
    clerk = Watch(page)
    page.goto(f"{live_server.url}/staff/login/")
    login = page.locator("main form[method=post]")
    login.locator("#id_username").fill(world.alice.username)
    login.locator("#id_password").fill(PASSWORD)
    login.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/requests/$"))
    page.goto(f"{live_server.url}/staff/requests/{item.reference}/")

    box = page.get_by_test_id("knowledge-suggestions")
    expect(box.get_by_role("link", name=LOST)).to_be_visible()
    expect(box).to_contain_text("interní postup")  # staff articles are there to read
    internal = box.get_by_test_id("knowledge-suggestion").filter(has_text="interní postup")
    expect(internal.get_by_test_id("insert-link")).to_have_count(0)
    lost = box.get_by_test_id("knowledge-suggestion").filter(has_text=LOST)
    reply = page.locator("#reply-form textarea[name=text]")
    reply.fill("Dobrý den, postup najdete zde:")
    lost.get_by_test_id("insert-link").click()
    article_url = f"{live_server.url}/znalosti/clanek/{articles['lost'].slug}/"
    expect(reply).to_have_value(f"Dobrý den, postup najdete zde:\n{article_url}")
    lost.get_by_test_id("insert-text").click()
    expect(reply).to_have_value(
        re.compile(r"\nZtráta nebo odcizení.*bez zbytečného odkladu\.", re.S)
    )
    assert_accessible(page, "the request page with suggestions")

    # Inserting counts as using the article: the reply form carries its id, once, even when
    # the reply keeps only the article's text and no link.
    article_ids = page.locator("#reply-form input[name=knowledge_articles]")
    expect(article_ids).to_have_count(1)
    expect(article_ids).to_have_value(str(articles["lost"].pk))
    reply.fill("")
    lost.get_by_test_id("insert-text").click()
    expect(reply).not_to_contain_text("/znalosti/clanek/")
    with page.expect_navigation():
        page.locator("#reply-form button[type=submit]").click()
    used = UsageEvent.objects.filter(kind="used_in_reply")
    assert [event.article_id for event in used] == [articles["lost"].pk]
    clerk.check()
