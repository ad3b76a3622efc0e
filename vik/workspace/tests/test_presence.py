"""Who else has a request open, who is writing, and whether a reply arrived meanwhile."""

import datetime as dt

import pytest
from django.test import Client

from vik.conversations import services as conversations
from vik.conversations.models import Interaction
from vik.core import clock
from vik.workspace.collaboration.services import presence_prune
from vik.workspace.models import Presence


@pytest.fixture
def two(world):
    alice, carol = Client(), Client()
    alice.force_login(world.alice)
    carol.force_login(world.carol)
    return alice, carol


def poll(client, request, **params):
    response = client.get(f"/staff/requests/{request.reference}/presence", params)
    assert response.status_code == 200
    return response.content.decode()


def test_two_users_see_each_other(world, two, citizen_request):
    alice, carol = two
    assert 'data-testid="presence"' not in poll(alice, citizen_request)
    seen_by_carol = poll(carol, citizen_request)
    assert 'data-user="alice"' in seen_by_carol
    assert 'data-state="viewing"' in seen_by_carol
    seen_by_alice = poll(alice, citizen_request, state="replying")
    assert 'data-user="carol"' in seen_by_alice
    assert 'data-user="alice"' not in seen_by_alice
    assert 'data-state="replying"' in poll(carol, citizen_request)
    assert Presence.objects.count() == 2  # one row per user, updated in place


def test_stale_presence_disappears(world, two, citizen_request):
    alice, carol = two
    poll(alice, citizen_request)
    Presence.objects.filter(user=world.alice).update(
        last_seen=clock.now() - dt.timedelta(seconds=31)
    )
    assert 'data-user="alice"' not in poll(carol, citizen_request)


def test_old_rows_are_pruned(world, two, citizen_request):
    alice, carol = two
    poll(alice, citizen_request)
    poll(carol, citizen_request)
    Presence.objects.filter(user=world.alice).update(last_seen=clock.now() - dt.timedelta(hours=1))
    assert presence_prune() == 1
    assert list(Presence.objects.values_list("user__username", flat=True)) == ["carol"]


def test_a_reply_that_arrived_meanwhile_is_announced(world, two, citizen_request):
    alice, _carol = two
    since = Interaction.objects.filter(request=citizen_request).order_by("-pk").first().pk
    assert 'data-testid="replied-meanwhile"' not in poll(alice, citizen_request, since=since)

    conversations.request_note(request=citizen_request, by=world.carol, text="Jen poznámka")
    assert 'data-testid="replied-meanwhile"' not in poll(alice, citizen_request, since=since)

    conversations.request_reply(request=citizen_request, by=world.alice, text="Moje odpověď")
    assert 'data-testid="replied-meanwhile"' not in poll(alice, citizen_request, since=since)

    conversations.request_reply(request=citizen_request, by=world.carol, text="Carolina odpověď")
    assert 'data-testid="replied-meanwhile"' in poll(alice, citizen_request, since=since)


def test_nobody_outside_the_request_may_poll(world, citizen_request):
    client = Client()
    client.force_login(world.dave)
    assert client.get(f"/staff/requests/{citizen_request.reference}/presence").status_code == 404
    assert not Presence.objects.exists()


def test_the_request_page_polls_every_five_seconds(world, client, citizen_request):
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    assert f'hx-get="/staff/requests/{citizen_request.reference}/presence"' in page
    assert 'hx-trigger="load, every 5s"' in page
    last = Interaction.objects.filter(request=citizen_request).order_by("-pk").first().pk
    assert f'name="since" value="{last}"' in page
