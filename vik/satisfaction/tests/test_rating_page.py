"""The citizen's rating page and the tracking page's rating form: one click, idempotent,
changeable for seven days, then read-only; nothing recorded by a GET."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from vik.channels.chat.models import ChatSession
from vik.channels.chat.services import chat_rate
from vik.channels.core.choices import ChannelKind
from vik.conversations import services as conversations
from vik.conversations.choices import EventKind, Status
from vik.conversations.models import TimelineEvent
from vik.core import clock
from vik.satisfaction import services
from vik.satisfaction.models import Rating

from .conftest import run_job


def page(invitation, score=None):
    return f"/hodnoceni/{invitation.token}/" + (f"{score}/" if score else "")


def test_the_link_of_a_score_preselects_it_and_records_nothing(client, invitation):
    response = client.get(page(invitation, 4))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zvolili jste 4 z 5." in html
    assert '<input type="radio" name="score" value="4" id="id_score_1" required checked>' in html
    assert not Rating.objects.exists()  # a mail scanner opening the link rates nothing
    assert response["Referrer-Policy"] == "same-origin"


def test_one_click_records_and_the_same_click_again_changes_nothing(client, invitation):
    response = client.post(page(invitation), {"score": "4", "comment": ""})
    assert (response.status_code, response["Location"]) == (302, page(invitation))
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.channel) == (4, "", ChannelKind.WEB)
    answered = rating.answered_at
    with clock.travel(clock.now() + dt.timedelta(minutes=5)):
        assert client.post(page(invitation), {"score": "4", "comment": ""}).status_code == 302
    rating.refresh_from_db()
    assert (Rating.objects.count(), rating.changed_at) == (1, answered)
    events = TimelineEvent.objects.filter(request=invitation.request, kind=EventKind.RATED)
    assert [(e.data["old"], e.data["new"]) for e in events] == [("", "4/5")]
    assert "Děkujeme za vaše hodnocení." in client.get(page(invitation)).content.decode()


def test_a_change_within_seven_days_keeps_the_first_answer_time(client, invitation):
    client.post(page(invitation), {"score": "2"})
    answered = Rating.objects.get().answered_at
    six_days = clock.now() + dt.timedelta(days=6)
    with clock.travel(six_days):
        response = client.post(page(invitation), {"score": "5", "comment": "Nakonec vše dobré."})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == (5, "Nakonec vše dobré.")
    assert (rating.answered_at, rating.changed_at) == (answered, six_days)
    events = TimelineEvent.objects.filter(request=invitation.request, kind=EventKind.RATED)
    assert [(e.data["old"], e.data["new"]) for e in events.order_by("pk")] == [
        ("", "2/5"),
        ("2/5", "5/5"),
    ]


def test_after_seven_days_the_rating_is_read_only_and_the_comment_is_kept(client, invitation):
    client.post(page(invitation), {"score": "2", "comment": "Pomalé."})
    with clock.travel(clock.now() + dt.timedelta(days=7, minutes=1)):
        shown = client.get(page(invitation)).content.decode()
        response = client.post(page(invitation), {"score": "5", "comment": "Změnil jsem názor."})
    assert "Hodnocení už nelze změnit" in shown and 'data-testid="rating-form"' not in shown
    assert response.status_code == 409
    html = response.content.decode()
    assert "Toto hodnocení už nelze změnit." in html
    assert "Změnil jsem názor." in html  # what they typed, to copy
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == (2, "Pomalé.")


def test_a_request_not_resolved_any_more_cannot_be_rated(client, world, invitation):
    conversations.request_set_status(request=invitation.request, status=Status.OPEN, by=world.alice)
    response = client.post(page(invitation), {"score": "5"})
    assert response.status_code == 409
    assert "Dotaz můžete ohodnotit, až bude vyřízen." in response.content.decode()
    assert not Rating.objects.exists()


@pytest.mark.parametrize("path", ["/hodnoceni/neznamy-token/", "/hodnoceni/{token}/6/"])
def test_an_unknown_token_or_score_is_not_found(client, invitation, path):
    assert client.get(path.format(token=invitation.token)).status_code == 404
    assert not Rating.objects.exists()


def test_an_invalid_post_keeps_the_comment(client, invitation):
    response = client.post(page(invitation), {"score": "9", "comment": "Moc děkuji!"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Moc děkuji!" in html and 'id="rating-score-error"' in html
    assert not Rating.objects.exists()


def test_too_many_answers_get_429_with_the_comment_kept(client, invitation, settings):
    settings.VIK_RATE_LIMITS = "rating=2/10m"
    for _ in range(2):
        client.post(page(invitation), {"score": "3"})
    response = client.post(page(invitation), {"score": "1", "comment": "Nikdo mi neodpověděl."})
    assert response.status_code == 429 and response["Retry-After"]
    assert "Nikdo mi neodpověděl." in response.content.decode()
    assert Rating.objects.get().score == 3


def test_the_csrf_token_is_required(invitation):
    strict = Client(enforce_csrf_checks=True)
    comment = "Díky, vše proběhlo rychle."
    response = strict.post(page(invitation), {"score": "5", "comment": comment})
    assert response.status_code == 403
    assert comment in response.content.decode()  # the CSRF page shows what was typed
    assert not Rating.objects.exists()


def test_the_tracking_page_offers_the_form_once_resolved_and_shows_the_rating(
    client, world, citizen_request
):
    tracking = f"/sledovani/{citizen_request.public_token}/"
    assert 'data-testid="tracking-rating"' not in client.get(tracking).content.decode()
    conversations.request_set_status(
        request=citizen_request, status=Status.RESOLVED, by=world.alice
    )
    html = client.get(tracking).content.decode()
    assert "Jak jsme vám pomohli?" in html
    invitation = citizen_request.rating_invitation
    assert f'action="/hodnoceni/{invitation.token}/"' in html
    response = client.post(
        page(invitation), {"score": "5", "comment": "Rychlé a jasné.", "source": "tracking"}
    )
    assert (response.status_code, response["Location"]) == (302, tracking)
    rating = Rating.objects.get()
    assert (rating.score, rating.channel) == (5, ChannelKind.WEB)
    html = client.get(tracking).content.decode()
    assert 'data-testid="rating-current"' in html and "Rychlé a jasné." in html
    # the invitation made for the page is the one the job settles: already rated, not asked
    assert run_job() == 1
    invitation.refresh_from_db()
    assert invitation.skip_reason == "already_rated"


def test_the_chat_rating_is_the_same_rating(world, resolved_request):
    session = ChatSession.objects.create(request=resolved_request, queued_at=clock.now())
    chat_rate(session=session, score=2, comment="Dlouho jsem čekal.")
    chat_rate(session=session, score=2, comment="Dlouho jsem čekal.")
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.channel) == (2, "Dlouho jsem čekal.", "chat")
    session.refresh_from_db()
    assert (session.rating, session.rating_comment) == (2, "Dlouho jsem čekal.")
    assert services.rating_record(request=resolved_request, score=2, channel="web") == rating
