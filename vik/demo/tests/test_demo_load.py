"""The demo loads a region's network and its requests, and loading it again adds nothing."""

import pytest

from vik.channels.phone.models import Call, CallBack
from vik.conversations.choices import EventKind
from vik.conversations.models import Interaction, Request, TimelineEvent
from vik.core import clock
from vik.demo.chat import CHATS
from vik.demo.services import demo_load
from vik.demo.sms import MESSAGES as SMS_MESSAGES
from vik.satisfaction.models import Rating
from vik.tenancy.models import InformationCentre, Membership


@pytest.mark.django_db
def test_the_demo_loads_vysocina_and_twice_adds_nothing(settings):
    report = demo_load(requests=40)
    assert report.centres == 16
    assert report.requests == 40
    jihlava = Request.objects.filter(centre__slug="vys-jihlava")
    # The Jihlava clerk's visits, calls and letters: topped up to 30, 6 and 3.
    for kind, least in (("counter", 30), ("phone", 6), ("letter", 3)):
        assert jihlava.filter(origin_channel=kind).count() >= least, kind
    assert report.recorded > 0
    statuses = set(Request.objects.values_list("status", flat=True))
    assert statuses >= {"new", "open", "resolved", "closed"}
    assert Membership.objects.values("role").distinct().count() == 7
    again = demo_load(requests=40)
    assert again.requests == 0 and again.recorded == 0
    assert InformationCentre.objects.count() == 16
    sms = len(SMS_MESSAGES)  # the SMS channel's requests (vik/demo/sms.py), besides the 40
    chats = len(CHATS)  # the chat channel's past chats (vik/demo/chat.py)
    assert Request.objects.count() == 40 + report.recorded + sms + chats
    assert Request.objects.filter(origin_channel="sms").count() == sms
    assert Request.objects.filter(origin_channel="chat", chat__rating__isnull=False).count() == 2
    # ratings on most resolved requests (the chats' too, given at their end), a few unhappy
    resolved = Request.objects.filter(resolved_at__isnull=False)
    ratings = Rating.objects.filter(request__in=resolved)
    assert report.ratings > 0 and ratings.count() >= resolved.count() // 2
    assert ratings.filter(score__lte=2).exclude(comment="").exists()
    assert ratings.filter(score__gte=4).count() > ratings.filter(score__lte=2).count()
    assert Rating.objects.filter(request__chat__isnull=False, channel="chat").count() == 2
    assert again.ratings == 0


@pytest.mark.django_db
def test_the_demo_has_calls_visits_and_letters_a_clerk_recorded(settings):
    demo_load(requests=60)
    recorded = Request.objects.filter(origin_channel__in=["phone", "counter", "letter"])
    assert set(recorded.values_list("origin_channel", flat=True)) == {"phone", "counter", "letter"}
    clerks = TimelineEvent.objects.filter(kind=EventKind.CREATED, request__in=recorded)
    assert clerks.count() == recorded.count()
    assert not clerks.filter(actor=None).exists()  # each recorded by a clerk, as the form does
    visits = recorded.filter(origin_channel="counter")
    assert visits.filter(requester__name="").exists()  # some visitors stay anonymous
    assert recorded.filter(status="resolved", assignee__isnull=False).exists()  # on the spot
    jihlava = visits.filter(centre__slug="vys-jihlava")
    assert jihlava.count() >= 30
    hours = {
        e.occurred_at.astimezone(clock.PRAGUE).hour
        for e in Interaction.objects.filter(request__in=jihlava, direction="inbound")
    }
    assert hours <= set(range(0, 17)) and len(hours) >= 5  # office hours, spread out


@pytest.mark.django_db
def test_the_demo_phone_line_has_todays_calls_and_a_working_token(settings, client):
    report = demo_load(requests=20)
    states = sorted(Call.objects.values_list("state", flat=True))
    assert states == ["ended"] * 6 + ["missed"] * 4
    assert CallBack.objects.count() == 4  # three missed calls with a number, one from the portal
    response = client.post(
        f"/api/v1/cti/{report.phone_token}",
        {"event": "newCall", "from": "420603000111", "to": "800100200", "direction": "in",
         "callId": "t-1"},
    )  # fmt: skip
    assert (response.status_code, response.json()) == (200, {})
    again = demo_load(requests=20)
    assert Call.objects.count() == 11 and CallBack.objects.count() == 4
    assert client.post(f"/api/v1/cti/{report.phone_token}", {}).status_code == 401  # rotated
    assert again.phone_token != report.phone_token
