"""The demo loads a region's network and its requests, and loading it again adds nothing."""

import datetime as dt

import pytest
from django.utils import translation

from vik.channels.phone.models import Call, CallBack
from vik.conversations.choices import EventKind
from vik.conversations.models import Interaction, Request, TimelineEvent
from vik.core import clock
from vik.demo.chat import CHATS
from vik.demo.history import CALL_PREFIX, CALLBACK_PREFIX, HISTORY_CHATS, HISTORY_CHATS_RATED
from vik.demo.services import REGION_CODE, demo_load
from vik.demo.sms import MESSAGES as SMS_MESSAGES
from vik.opendata.models import Snapshot
from vik.reports.builders.channels import build_calls, build_chats
from vik.reports.builders.knowledge import build_knowledge
from vik.reports.builders.workload import build_workload
from vik.reports.filters import ReportFilters, Scope
from vik.satisfaction.models import Rating
from vik.tenancy.models import InformationCentre, Membership
from vik.territory.models import Region


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
    chats = len(CHATS) + HISTORY_CHATS  # the chat's past chats (vik/demo/chat.py, history.py)
    assert Request.objects.count() == 40 + report.recorded + sms + chats
    assert Request.objects.filter(origin_channel="sms").count() == sms
    rated = Request.objects.filter(origin_channel="chat", chat__rating__isnull=False)
    assert rated.count() == 2 + HISTORY_CHATS_RATED
    # ratings on most resolved requests (the chats' too, given at their end), a few unhappy
    resolved = Request.objects.filter(resolved_at__isnull=False)
    ratings = Rating.objects.filter(request__in=resolved)
    assert report.ratings > 0 and ratings.count() >= resolved.count() // 2
    assert ratings.filter(score__lte=2).exclude(comment="").exists()
    assert ratings.filter(score__gte=4).count() > ratings.filter(score__lte=2).count()
    chat_ratings = Rating.objects.filter(request__chat__isnull=False, channel="chat")
    assert chat_ratings.count() == 2 + HISTORY_CHATS_RATED
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
    today = Call.objects.exclude(call_id__startswith=CALL_PREFIX)  # not the half year before
    states = sorted(today.values_list("state", flat=True))
    assert states == ["ended"] * 6 + ["missed"] * 4
    todays_callbacks = CallBack.objects.exclude(reference__startswith=CALLBACK_PREFIX)
    assert todays_callbacks.count() == 4  # three missed calls with a number, one from the portal
    history = Call.objects.filter(call_id__startswith=CALL_PREFIX)
    assert (
        history.filter(state="missed").count()
        == CallBack.objects.filter(reference__startswith=CALLBACK_PREFIX).count()
    )
    response = client.post(
        f"/api/v1/cti/{report.phone_token}",
        {"event": "newCall", "from": "420603000111", "to": "800100200", "direction": "in",
         "callId": "t-1"},
    )  # fmt: skip
    assert (response.status_code, response.json()) == (200, {})
    written = history.count()
    again = demo_load(requests=20)
    assert today.count() == 11 and todays_callbacks.count() == 4
    assert history.count() == written > 0  # the half year is written once
    assert client.post(f"/api/v1/cti/{report.phone_token}", {}).status_code == 401  # rotated
    assert again.phone_token != report.phone_token
    _reports_show_the_half_year()


def _reports_show_the_half_year() -> None:
    """The reports on the demo have something in (almost) every month of the half year."""
    region = Region.objects.get(code=REGION_CODE)
    today = clock.today()
    filters = ReportFilters(date_from=today - dt.timedelta(days=180), date_to=today)
    scope = Scope(region_id=region.pk)
    with translation.override("cs"):
        calls = build_calls(filters, scope).sections[0]
        chats = build_chats(filters, scope).sections[0]
        usage = build_knowledge(filters, scope).sections[0]
        work = build_workload(filters, scope).sections[0]
    assert sum(1 for row in calls.rows if row["answered"] and row["missed"]) >= 6
    assert sum(1 for row in chats.rows if row["accepted"]) >= 6
    assert (chats.totals or {})["rating"] is not None and (chats.totals or {})["left"] > 0
    assert sum(1 for row in usage.rows if row["views"] and row["searches_empty"]) >= 6
    assert any(row["calls"] and row["chats"] for row in work.rows)


@pytest.mark.django_db
def test_the_demo_publishes_its_statistics(settings):
    demo_load(requests=40)
    snapshot = Snapshot.objects.get(region__code="3107", date=clock.today())
    # The Jihlava clerk's 30 visits of the last four weeks make at least one channel cell shown.
    assert any(cell["count"] for cell in snapshot.payload["by_channel"])
    # The demo's portal reads (its guide reads and the half year of knowledge use): ten guides
    # read 5 times or more, most read first.
    reads = [guide["reads"] for guide in snapshot.payload["guides"]]
    assert len(reads) == 10 and reads == sorted(reads, reverse=True) and min(reads) >= 5
