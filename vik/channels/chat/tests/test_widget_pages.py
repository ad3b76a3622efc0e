"""The widget's pages and its deflection call over HTTP: the sample page's strict policy, the
page that continues a chat from the tracking link, and "a suggested article answered me"
counted once in the knowledge metrics (the widget itself: tests/test_browser_chat_widget.py)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from vik.knowledge.models import UsageEvent
from vik.knowledge.tests.conftest import publish
from vik.testing.personas import World
from vik.topics.models import Topic

pytestmark = pytest.mark.django_db


def test_the_sample_page_sends_a_policy_without_inline_scripts_or_styles(client: Client):
    response = client.get("/chat/demo/?centre=jihlava")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "connect-src 'self' ws: wss:" in policy
    html = response.content.decode()
    assert html.count("<script") == 1 and 'src="/widget.js" data-centre="jihlava"' in html
    assert "style=" not in html and "<style" not in html


def test_the_widget_script_is_served_to_any_site(client: Client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert b"adoptedStyleSheets" in response.content


def test_an_unknown_tracking_token_continues_no_chat(client: Client):
    assert client.get("/chat/pokracovat/no-such-token/").status_code == 404


def _deflected(client: Client, body: object) -> tuple[int, dict[str, object]]:
    response = client.post(
        "/chat/api/deflected", data=json.dumps(body), content_type="application/json"
    )
    return response.status_code, response.json()


def test_a_deflection_from_the_widget_counts_for_a_public_article_only(
    world: World, client: Client
):
    article = publish(
        title="Sběrný dvůr",
        summary="Kdy je otevřen sběrný dvůr.",
        body="Od úterý do soboty.",
        region=world.region,
        topic=Topic.objects.get(slug="documents-id-card"),
    )
    assert _deflected(client, {"article": article.pk, "centre": world.centre_a.slug}) == (
        202,
        {"counted": True},
    )
    event = UsageEvent.objects.get(kind="deflected")
    assert (event.article_id, event.centre_id) == (article.pk, world.centre_a.pk)

    status, answer = _deflected(client, {"article": 999999})
    assert (status, answer["error"]) == (404, "unknown_article")
    status, answer = _deflected(client, {"article": "1; DROP"})
    assert (status, answer["error"]) == (404, "unknown_article")
    assert UsageEvent.objects.filter(kind="deflected").count() == 1
