"""The demo loads a region's network and its requests, and loading it again adds nothing."""

import pytest

from vik.channels.phone.models import Call, CallBack
from vik.conversations.models import Request
from vik.demo.services import demo_load
from vik.tenancy.models import InformationCentre, Membership


@pytest.mark.django_db
def test_the_demo_loads_vysocina_and_twice_adds_nothing(settings):
    report = demo_load(requests=40)
    assert report.centres == 16
    assert report.requests == 40
    statuses = set(Request.objects.values_list("status", flat=True))
    assert statuses >= {"new", "open", "resolved", "closed"}
    assert Membership.objects.values("role").distinct().count() == 7
    again = demo_load(requests=40)
    assert again.requests == 0
    assert InformationCentre.objects.count() == 16
    assert Request.objects.count() == 40


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
