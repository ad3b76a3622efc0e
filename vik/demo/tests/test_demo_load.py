"""The demo loads a region's network and its requests, and loading it again adds nothing."""

import pytest

from vik.conversations.models import Request
from vik.demo.services import demo_load
from vik.demo.sms import MESSAGES as SMS_MESSAGES
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
    sms = len(SMS_MESSAGES)  # the SMS channel's requests (vik/demo/sms.py), besides the 40
    assert Request.objects.count() == 40 + sms
    assert Request.objects.filter(origin_channel="sms").count() == sms
