"""The console's HTTP side (/staff/chat/): the page, what it offers beside a chat (canned
answers, articles for the citizen's last message, colleagues, centres) and the supervisors'
live chats; each only to whom may see it."""

from __future__ import annotations

from typing import Any

import pytest

from vik.channels.chat import services
from vik.channels.chat.models import ChatSession, Sender
from vik.knowledge.tests.conftest import publish
from vik.tenancy.models import Membership, User
from vik.testing.personas import PASSWORD, World
from vik.workspace.models import Macro

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(world: World) -> ChatSession:
    return services.chat_start(
        target=services.Target(region=world.region, centre=world.centre_a),
        text="Kdy mohu vyzvednout nový občanský průkaz?",
        name="Jana Dvořáková",
    )


def test_the_console_page_and_its_navigation_link(world: World, login: Any) -> None:
    page = login(world.alice).get("/staff/chat/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="nav-chat"' in html and "chat/console.js" in html
    assert 'data-testid="chat-live"' not in html  # an agent is no supervisor
    assert login(world.erin).get("/staff/chat/").status_code == 404  # an analyst records nothing


def test_aids_offer_the_centres_macros_articles_and_colleagues(
    world: World, login: Any, session: ChatSession
) -> None:
    services.chat_accept(session_id=session.pk, agent=world.alice)
    Macro.objects.create(
        region=world.region,
        centre=world.centre_a,
        name="Úřední hodiny",
        body="Po–Pá",
        scope="centre",
    )
    Macro.objects.create(
        region=world.region, centre=world.centre_b, name="Jiné centrum", body="x", scope="centre"
    )
    publish(
        title="Kdy mohu vyzvednout nový občanský průkaz?",
        question="Kdy mohu vyzvednout nový občanský průkaz?",
        body="Do 30 dnů od podání žádosti.",
        region=world.region,
    )
    colleague = User.objects.create_user(
        "eva", password=PASSWORD, first_name="Eva", last_name="Test"
    )
    Membership.objects.create(
        user=colleague, region=world.region, centre=world.centre_a, role="agent"
    )
    services.message_post(session=session, sender=Sender.CITIZEN, text="A kde?", client_id="c2")

    aids = login(world.alice).get(f"/staff/chat/{session.pk}/aids/").json()
    assert [m["name"] for m in aids["macros"]] == ["Úřední hodiny"]
    assert aids["macro_url"] == f"/staff/requests/{session.request.reference}/macros/0"
    article = aids["articles"][0]  # "A kde?" matches nothing: the subject is asked
    assert article["public"] and article["public_url"].endswith("/")
    assert "Do 30 dnů" in article["text"]
    assert [c["name"] for c in aids["colleagues"]] == ["Eva Test"]
    assert world.centre_b.name in [c["name"] for c in aids["centres"]]


def test_aids_and_live_chats_only_for_whom_may_see_them(
    world: World, login: Any, session: ChatSession
) -> None:
    assert login(world.dave).get(f"/staff/chat/{session.pk}/aids/").status_code == 404
    assert login(world.alice).get("/staff/chat/live/").status_code == 404
    live = login(world.carol).get("/staff/chat/live/")
    assert live.status_code == 200
    assert session.request.reference in live.content.decode()
    assert live.content.decode().count('data-testid="chat-live-row"') == 1
    assert 'data-testid="chat-live"' in login(world.carol).get("/staff/chat/").content.decode()


def _absence_notice(html: str) -> tuple[str, str]:
    """The notice's opening tag and its text."""
    start = html.index('id="chat-absent"')
    tag_end = html.index(">", start)
    return html[start:tag_end], html[tag_end : html.index("</p>", start)]


def test_an_absent_agent_is_told_no_chats_are_offered(world: World, login: Any) -> None:
    tag, _text = _absence_notice(login(world.alice).get("/staff/chat/").content.decode())
    assert "hidden" in tag
    world.alice.is_absent = True
    world.alice.save(update_fields=["is_absent"])
    tag, text = _absence_notice(login(world.alice).get("/staff/chat/").content.decode())
    assert "hidden" not in tag and "/staff/routing/me/" in text
