"""The deadlines on the request page, the `time_left` filter, and the policy page."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from vik.conversations import services as conversations
from vik.conversations.choices import RequestKind, Status
from vik.core import clock
from vik.routing.models import Queue
from vik.sla.durations import working_minutes_parse, working_minutes_text
from vik.sla.models import SlaPolicy

from .conftest import at


def _testid(html: str, testid: str) -> str:
    match = re.search(rf'<[^>]*data-testid="{testid}"[^>]*>(.*?)</(dd|p)>', html, re.S)
    assert match, f"{testid} not on the page"
    return match.group(0)


def test_the_request_page_shows_the_targets_and_the_time_left(world, policy, open_request, login):
    request = open_request(at(2026, 11, 23, 8, 0))
    with clock.travel(at(2026, 11, 23, 12, 40)):
        html = login(world.alice).get(f"/staff/requests/{request.reference}/").content.decode()
    first = _testid(html, "sla-first-response")
    assert 'data-state="open"' in first
    assert "3 h 20 min" in first
    assert 'data-state="open"' in _testid(html, "sla-resolution")
    assert 'data-testid="sla-statutory"' not in html
    with clock.travel(at(2026, 11, 23, 18, 0)):
        html = login(world.alice).get(f"/staff/requests/{request.reference}/").content.decode()
    first = _testid(html, "sla-first-response")
    assert 'data-state="overdue"' in first
    assert "2 h" in first


def test_the_request_page_shows_the_statutory_deadline_and_the_pause(world, open_request, login):
    request = open_request(at(2025, 12, 11, 10, 0), kind=RequestKind.INFORMATION_REQUEST)
    with clock.travel(at(2025, 12, 12, 9, 0)):
        conversations.request_set_status(
            request=request, status=Status.WAITING_CITIZEN, by=world.alice
        )
        html = login(world.alice).get(f"/staff/requests/{request.reference}/").content.decode()
    statutory = _testid(html, "sla-statutory")
    assert 'data-due="2025-12-29"' in statutory
    assert "29. 12. 2025" in statutory
    assert 'data-testid="sla-paused"' in html


def test_a_request_without_deadlines_shows_none(world, open_request, login):
    request = open_request(at(2026, 11, 23, 8, 0))
    html = login(world.alice).get(f"/staff/requests/{request.reference}/").content.decode()
    assert 'data-testid="sla-deadlines"' not in html


def _time_left(item: object) -> str:
    return Template("{% load sla %}{{ item|time_left }}").render(Context({"item": item}))


@pytest.mark.parametrize(
    ("due", "paused", "status", "shown"),
    [
        (at(2026, 11, 23, 14, 10), None, "open", "2 h 10 min"),
        (at(2026, 11, 23, 12, 45), None, "open", "45 min"),
        (at(2026, 11, 26, 15, 0), None, "open", "3 d 3 h"),
        (at(2026, 11, 22, 12, 0), None, "open", "overdue by 1 d"),
        (at(2026, 11, 23, 10, 0), None, "open", "overdue by 2 h"),
        (None, at(2026, 11, 23, 9, 0), "waiting_citizen", "paused"),
        (None, None, "resolved", "—"),
        (None, None, "open", "—"),
    ],
)
def test_time_left(due, paused, status, shown):
    item = SimpleNamespace(due_at=due, sla_paused_at=paused, status=status)
    # English: the msgids themselves, whatever the Czech catalogue says.
    with clock.travel(at(2026, 11, 23, 12, 0)), translation.override("en"):
        assert _time_left(item) == shown


# The policy page -----------------------------------------------------------------------------


def _form(world, **overrides):
    data = {
        "centre": world.centre_a.pk, "kind": "", "first_response_minutes": "8 h",
        "resolution_minutes": "5 dní", "warn_before_minutes": "1 h", "notify_lead": "on",
        "is_active": "on", "escalate_to_queue": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_a_centre_lead_sets_the_policy_of_the_centre(world, lead, login):
    client = login(lead)
    assert 'href="/staff/sla/"' in client.get("/staff/requests/").content.decode()
    response = client.post("/staff/sla/new/", _form(world))
    assert response.status_code == 302
    policy = SlaPolicy.objects.get()
    assert (policy.centre, policy.kind, policy.first_response_minutes) == (
        world.centre_a, "", 480,
    )  # fmt: skip
    response = client.post(f"/staff/sla/{policy.pk}/", _form(world, first_response_minutes="4"))
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.first_response_minutes == 240
    listing = client.get("/staff/sla/").content.decode()
    assert listing.count('data-testid="sla-policy"') == 1


def test_a_lead_cannot_set_another_centres_policy(world, lead, login):
    other = SlaPolicy.objects.create(
        centre=world.centre_b, first_response_minutes=60, resolution_minutes=120
    )
    client = login(lead)
    response = client.post("/staff/sla/new/", _form(world, centre=world.centre_b.pk))
    assert response.status_code == 200  # the form refuses the centre
    assert not SlaPolicy.objects.filter(centre=world.centre_b).exclude(pk=other.pk).exists()
    assert client.get(f"/staff/sla/{other.pk}/").status_code == 403
    assert client.post(f"/staff/sla/{other.pk}/", _form(world)).status_code == 403
    other.refresh_from_db()
    assert other.centre == world.centre_b
    assert 'data-policy="' not in client.get("/staff/sla/").content.decode()


def test_the_escalation_queue_must_be_the_centres(world, lead, login):
    foreign = Queue.objects.create(centre=world.centre_b, name="Cizí")
    response = login(world.carol).post(
        "/staff/sla/new/", _form(world, escalate_to_queue=foreign.pk)
    )
    assert response.status_code == 200
    assert not SlaPolicy.objects.exists()


def test_agents_and_other_regions_have_no_policy_page(world, login):
    policy = SlaPolicy.objects.create(
        centre=world.centre_a, first_response_minutes=60, resolution_minutes=120
    )
    for user in (world.alice, world.erin):
        client = login(user)
        assert 'href="/staff/sla/"' not in client.get("/staff/requests/").content.decode()
        assert client.get("/staff/sla/").status_code == 403
        assert client.get("/staff/sla/new/").status_code == 403
        assert client.post("/staff/sla/new/", _form(world)).status_code == 403
        assert client.get(f"/staff/sla/{policy.pk}/").status_code == 403
    dave = login(world.dave)
    assert 'data-policy="' not in dave.get("/staff/sla/").content.decode()
    assert dave.get(f"/staff/sla/{policy.pk}/").status_code == 403
    assert SlaPolicy.objects.count() == 1


def test_a_coordinator_manages_every_centre_of_the_region(world, login):
    client = login(world.carol)
    for centre in (world.centre_a, world.centre_b, world.regional_centre):
        assert client.post("/staff/sla/new/", _form(world, centre=centre.pk)).status_code == 302
    assert SlaPolicy.objects.count() == 3
    response = client.post("/staff/sla/new/", _form(world, centre=world.other_centre.pk))
    assert response.status_code == 200
    assert SlaPolicy.objects.count() == 3


def test_the_request_page_after_an_escalation(world, policy, lead, open_request, login):
    from vik.conversations.services.deadlines import sla_sweep

    request = open_request(at(2026, 11, 23, 8, 0))
    with clock.travel(at(2026, 11, 24, 9, 0)):
        sla_sweep()
        response = login(lead).get(f"/staff/requests/{request.reference}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="overdue"' in _testid(html, "sla-first-response")
    assert "17 h" in _testid(html, "sla-first-response")  # real time since 16:00


def test_the_policy_page_shows_working_time_in_hours_and_days(world, lead, login):
    """Policies store minutes; people read and type hours and working days."""
    client = login(lead)
    client.post("/staff/sla/new/", _form(world, first_response_minutes="1 den"))
    policy = SlaPolicy.objects.get()
    assert (policy.first_response_minutes, policy.resolution_minutes) == (480, 2400)
    assert policy.warn_before_minutes == 60
    listing = client.get("/staff/sla/").content.decode()
    assert "<td>1 pracovní den</td>" in listing
    assert "<td>5 pracovních dní</td>" in listing
    assert "<td>1 h</td>" in listing
    assert "<td>480</td>" not in listing
    form = client.get(f"/staff/sla/{policy.pk}/").content.decode()
    assert 'value="1 d"' in form and 'value="5 d"' in form and 'value="1 h"' in form
    assert "Informační centrum" in form and ">Centre<" not in form
    response = client.post(f"/staff/sla/{policy.pk}/", _form(world, resolution_minutes="pět"))
    assert "Napište čas v hodinách nebo dnech" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("8 h", 480), ("8h", 480), ("16", 960), ("1 den", 480), ("2 dny", 960),
        ("5 pracovních dní", 2400), ("1 d 4 h", 720), ("2 dny a 4 h", 1200), ("1,5 h", 90),
        ("90 min", 90), ("30 minut", 30), ("", None), ("pět", None), ("8 x", None),
    ],
)  # fmt: skip
def test_working_time_is_read_as_people_write_it(typed, minutes):
    assert working_minutes_parse(typed) == minutes


@pytest.mark.parametrize(
    ("minutes", "czech"),
    [
        (480, "1 pracovní den"), (960, "2 pracovní dny"), (2400, "5 pracovních dní"),
        (540, "1 pracovní den 1 h"), (90, "1 h 30 min"), (45, "45 min"), (0, "0 min"),
    ],
)  # fmt: skip
def test_working_time_in_czech_words(minutes, czech):
    with translation.override("cs"):
        assert working_minutes_text(minutes) == czech
