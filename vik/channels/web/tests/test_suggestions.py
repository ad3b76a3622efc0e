"""The portal's suggestions: the best public articles for what the citizen types."""

from __future__ import annotations

from typing import Any

import pytest

from vik.knowledge.models import Article
from vik.knowledge.tests.conftest import publish
from vik.testing.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(world: World) -> dict[str, Article]:
    return {
        "public": publish(
            kind="life_situation",
            title="Ztráta občanského průkazu",
            summary="Co dělat, když ztratíte občanský průkaz.",
            region=world.region,
        ),
        "staff": publish(
            kind="methodology",
            title="Ztráta občanského průkazu na přepážce: interní postup",
            body="Ověřte totožnost a zapište ztrátu průkazu do evidence.",
            audience="staff",
            region=world.region,
        ),
        "coordinators": publish(
            kind="governing_document",
            title="Občanský průkaz: pravidla sítě pro koordinátory",
            audience="coordinators",
            region=world.region,
        ),
    }


def test_the_endpoint_suggests_public_articles_only(client: Any, articles: dict) -> None:
    response = client.get("/napoveda/", {"message": "Ztratil jsem občanský průkaz"})

    assert response.status_code == 200
    assert [hit.article for hit in response.context["suggestions"]] == [articles["public"]]
    html = response.content.decode()
    assert f"/znalosti/clanek/{articles['public'].slug}/?q=" in html
    assert "interní postup" not in html
    assert articles["staff"].slug not in html
    assert articles["coordinators"].slug not in html


def test_a_logged_in_member_of_staff_gets_public_articles_only(
    client: Any, world: World, articles: dict
) -> None:
    client.force_login(world.carol)  # a coordinator reads every audience in the workspace

    response = client.get("/napoveda/", {"message": "občanský průkaz ztráta"})

    assert [hit.article for hit in response.context["suggestions"]] == [articles["public"]]


def test_at_most_three_suggestions(client: Any, world: World) -> None:
    for number in range(5):
        publish(kind="faq", title=f"Parkování v centru, otázka {number}", region=world.region)

    response = client.get("/napoveda/", {"message": "parkování"})

    assert len(response.context["suggestions"]) == 3


def test_nothing_typed_nothing_suggested(client: Any, articles: dict) -> None:
    response = client.get("/napoveda/", {"message": "   "})

    assert response.context["suggestions"] == []
    assert response.content.decode().strip() == ""


def test_the_form_shows_suggestions_for_the_search_text_at_once(
    client: Any, articles: dict
) -> None:
    response = client.get("/", {"q": "ztráta občanky průkaz"})

    assert response.status_code == 200
    assert response.context["form"]["message"].value() == "ztráta občanky průkaz"
    assert [hit.article for hit in response.context["suggestions"]] == [articles["public"]]
    assert 'data-testid="suggestions"' in response.content.decode()


def test_the_form_without_a_question_shows_no_suggestions(client: Any, articles: dict) -> None:
    response = client.get("/")

    assert response.context["suggestions"] == []
    assert 'data-testid="suggestions"' not in response.content.decode()
