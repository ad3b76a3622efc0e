"""The request page's "Guides and answers": articles for the request, insertable when public."""

from __future__ import annotations

from typing import Any

import pytest

from vik.conversations.models import Request
from vik.core.testing import World
from vik.knowledge.models import Article
from vik.knowledge.tests.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(world: World) -> dict[str, Article]:
    return {
        "public": publish(
            kind="faq",
            title="Kdy mohu vyzvednout nový občanský průkaz?",
            question="Kdy mohu vyzvednout nový občanský průkaz?",
            body="Do 30 dnů od podání žádosti.",
            region=world.region,
        ),
        "staff": publish(
            kind="methodology",
            title="Vydávání občanských průkazů na přepážce",
            body="Interní postup při vydání nového průkazu.",
            audience="staff",
            region=world.region,
        ),
        "unrelated": publish(
            kind="faq", title="Parkovací karta pro rezidenty", region=world.region
        ),
    }


def test_the_agent_sees_articles_for_the_request(
    citizen_request: Request, world: World, login: Any, articles: dict
) -> None:
    client = login(world.alice)

    response = client.get(f"/staff/requests/{citizen_request.reference}/")

    suggestions = response.context["knowledge_suggestions"]
    assert {s.hit.article for s in suggestions} == {articles["public"], articles["staff"]}
    html = response.content.decode()
    assert "Parkovací karta" not in html
    assert 'data-testid="knowledge-suggestions"' in html


def test_only_public_articles_can_be_inserted_into_the_reply(
    citizen_request: Request, world: World, login: Any, articles: dict
) -> None:
    client = login(world.alice)

    response = client.get(f"/staff/requests/{citizen_request.reference}/")

    by_article = {s.hit.article: s for s in response.context["knowledge_suggestions"]}
    public, staff = by_article[articles["public"]], by_article[articles["staff"]]
    assert public.is_public
    assert public.public_url == (f"http://testserver/znalosti/clanek/{articles['public'].slug}/")
    assert public.text.startswith("Kdy mohu vyzvednout nový občanský průkaz?\n")
    assert "Do 30 dnů od podání žádosti." in public.text
    assert not staff.is_public
    assert (staff.public_url, staff.text) == ("", "")
    assert staff.url == f"/staff/knowledge/{articles['staff'].pk}/"
    html = response.content.decode()
    assert html.count('data-testid="insert-link"') == 1
    assert html.count('data-testid="insert-text"') == 1
    assert f'data-insert="{public.public_url}"' in html
    assert "Interní postup při vydání" not in html.split('data-testid="insert-text"')[1][:200]
    assert 'src="/static/vik/knowledge-insert.js"' in html


def test_who_may_only_read_the_request_gets_no_insert_controls(
    citizen_request: Request, world: World, login: Any, articles: dict
) -> None:
    client = login(world.erin)  # the analyst reads requests but does not work them

    response = client.get(f"/staff/requests/{citizen_request.reference}/")

    assert response.context["knowledge_suggestions"]
    assert 'data-testid="insert-link"' not in response.content.decode()
