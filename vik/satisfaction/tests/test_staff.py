"""Staff: the rating on the request page (an audited personal-data read, to the request's centre
and region only), the follow-up list of dissatisfied ratings and its action; the GDPR export and
erasure of a rating's comment."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from vik.audit.models import AuditEvent
from vik.channels.core.choices import ChannelKind
from vik.gdpr.selectors import PLACEHOLDER
from vik.satisfaction import services
from vik.satisfaction.models import Rating
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership, User
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import PASSWORD, submit_web_request

from .conftest import resolve

COMMENT = "Paní na telefonu byla nepříjemná, volala jsem 3x."


@pytest.fixture
def unhappy(resolved_request):
    return services.rating_record(
        request=resolved_request, score=1, comment=COMMENT, channel=ChannelKind.EMAIL
    )


@pytest.fixture
def lead_a(world):
    user = User.objects.create_user(username="lea", password=PASSWORD, first_name="Lea")
    Membership.objects.create(
        user=user, region=world.region, centre=world.centre_a, role=Role.CENTRE_LEAD
    )
    return user


def reads(user):
    return AuditEvent.objects.filter(
        actor=user, action="satisfaction.comment_view", personal_data=True
    )


def test_the_centre_agent_sees_the_rating_and_the_comment_read_is_audited(world, unhappy, login):
    html = login(world.alice).get(f"/staff/requests/{unhappy.request.reference}/").content.decode()
    assert 'data-testid="rating-score">1 z 5<' in html and COMMENT in html
    [event] = reads(world.alice)
    assert (event.object_id, event.details) == (
        str(unhappy.pk),
        {"request": unhappy.request.reference},
    )
    # the timeline says the citizen rated (the score, not the comment)
    assert 'data-testid="event-rated"' in html and "občan ohodnotil vyřízení" in html


def test_an_agent_of_another_centre_never_sees_the_comment(world, unhappy, login):
    # Bob (centre B) cannot open the request at all; Dave (another region) neither
    for user in (world.bob, world.dave):
        response = login(user).get(f"/staff/requests/{unhappy.request.reference}/")
        assert response.status_code == 404
        assert COMMENT not in response.content.decode()
        assert not reads(user).exists()


def test_the_follow_up_list_is_the_leads_and_coordinators(world, unhappy, lead_a, login, client):
    assert login(world.alice).get("/staff/satisfaction/").status_code == 403
    client.logout()
    for user in (lead_a, world.carol, world.erin):
        html = login(user).get("/staff/satisfaction/").content.decode()
        assert COMMENT in html, user
        client.logout()
    html = login(world.dave).get("/staff/satisfaction/").content.decode()
    assert COMMENT not in html and 'data-testid="no-ratings"' in html
    listed = AuditEvent.objects.filter(action="satisfaction.follow_up_list", personal_data=True)
    assert sorted(e.actor.username for e in listed) == ["carol", "erin", "lea"]
    assert all(e.details == {"ratings": [unhappy.pk]} for e in listed)


def test_a_satisfied_rating_is_not_on_the_list(world, resolved_request, lead_a, login):
    services.rating_record(request=resolved_request, score=4, comment="Dobré", channel="web")
    html = login(lead_a).get("/staff/satisfaction/").content.decode()
    assert 'data-testid="follow-up-rating"' not in html


def test_the_lead_marks_a_rating_followed_up(world, unhappy, lead_a, login):
    client = login(lead_a)
    response = client.post(
        f"/staff/satisfaction/{unhappy.pk}/followed-up", {"note": "Volala jsem paní, omluvila se."}
    )
    assert (response.status_code, response["Location"]) == (302, "/staff/satisfaction/")
    unhappy.refresh_from_db()
    assert (unhappy.followed_up_by, unhappy.follow_up_note) == (
        lead_a,
        "Volala jsem paní, omluvila se.",
    )
    assert unhappy.followed_up_at is not None
    assert 'data-testid="no-ratings"' in client.get("/staff/satisfaction/").content.decode()
    shown = client.get("/staff/satisfaction/?followed_up=on").content.decode()
    assert "Volala jsem paní, omluvila se." in shown and "Vyřešil/a Lea" in shown
    again = client.post(f"/staff/satisfaction/{unhappy.pk}/followed-up", {"note": "Znovu"})
    assert again.status_code == 302
    unhappy.refresh_from_db()
    assert unhappy.follow_up_note == "Volala jsem paní, omluvila se."


@pytest.mark.parametrize("who", ["alice", "erin", "dave"])
def test_others_may_not_follow_up_and_nothing_happens(world, unhappy, login, who):
    response = login(getattr(world, who)).post(
        f"/staff/satisfaction/{unhappy.pk}/followed-up", {"note": "x"}
    )
    assert response.status_code in (302, 404)
    unhappy.refresh_from_db()
    assert (unhappy.followed_up_at, unhappy.followed_up_by, unhappy.follow_up_note) == (
        None,
        None,
        "",
    )
    assert not AuditEvent.objects.filter(action="satisfaction.followed_up").exists()


def test_the_list_filters_by_centre_newest_first(world, client, unhappy, login):
    second = resolve(submit_web_request(client, email="druhy@example.cz"), world.alice)
    services.rating_record(request=second, score=2, comment="Pomalé", channel="web")
    html = login(world.carol).get("/staff/satisfaction/").content.decode()
    assert html.index(second.reference) < html.index(unhappy.request.reference)
    filtered = login(world.carol).get(f"/staff/satisfaction/?centre={world.centre_b.pk}")
    assert 'data-testid="no-ratings"' in filtered.content.decode()


def test_the_nav_offers_the_list_to_leads_only(world, lead_a, login, client):
    assert (
        'data-testid="nav-satisfaction"' in login(lead_a).get("/staff/requests/").content.decode()
    )
    client.logout()
    assert (
        'data-testid="nav-satisfaction"'
        not in login(world.alice).get("/staff/requests/").content.decode()
    )


def test_gdpr_export_holds_the_comment_and_erasure_keeps_the_score(world, unhappy, tmp_path):
    contact = unhappy.request.requester
    output = tmp_path / "export.zip"
    call_command(
        "gdpr", "export", "--contact", str(contact.pk), "--output", str(output),
        stdout=io.StringIO(),
    )  # fmt: skip
    with zipfile.ZipFile(output) as archive:
        requests = json.loads(archive.read("requests.json"))
    [entry] = requests
    assert entry["satisfaction"]["score"] == 1
    assert entry["satisfaction"]["comment"] == COMMENT
    assert entry["satisfaction"]["channel"] == "email"
    with run_on_commit():
        call_command("gdpr", "anonymise", "--contact", str(contact.pk), stdout=io.StringIO())
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == (1, PLACEHOLDER)
