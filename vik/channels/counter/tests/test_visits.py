"""The counter: a walk-in recorded with the counter preset, the centre's visit log by day and
agent, and the visits per hour of day and weekday."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from vik.conversations import services
from vik.conversations.models import Request
from vik.core import clock
from vik.tenancy.models import User
from vik.testing.personas import World
from vik.topics.models import Topic

pytestmark = pytest.mark.django_db


def visit(world: World, by: User, at: dt.datetime, **kw: Any) -> Request:
    return services.request_record(
        by=by, centre=kw.pop("centre", world.centre_a), channel="counter",
        received_at=at, text=kw.pop("text", "Přišla se zeptat na poplatek za odpad."), **kw,
    )  # fmt: skip


def test_the_walk_in_form_is_the_new_request_form_with_the_counter_preset(
    world: World, login: Any
) -> None:
    client = login(world.alice)
    response = client.get("/staff/visits/new/")
    assert response["Location"] == "/staff/requests/new/?channel=counter"
    page = client.get(response["Location"]).content.decode()
    assert '<option value="counter" selected>' in page


def test_an_anonymous_visit_needs_only_its_topic_and_a_note(world: World, login: Any) -> None:
    client = login(world.alice)
    topic = Topic.objects.filter(is_active=True).order_by("pk").first()
    assert topic is not None
    now = clock.now().astimezone(clock.PRAGUE) - dt.timedelta(minutes=1)
    data = {
        "channel": "counter", "centre": world.centre_a.pk, "kind": "inquiry",
        "received_at": now.strftime("%Y-%m-%dT%H:%M"), "text": "Ptal se na svoz odpadu.",
    }  # fmt: skip

    refused = client.post("/staff/requests/new/", data)
    assert refused.status_code == 200 and Request.objects.count() == 0
    assert "An anonymous visit needs its topic." in refused.content.decode() or (
        "Anonymní návštěva" in refused.content.decode()
    )

    client.post("/staff/requests/new/", {**data, "topic": topic.pk})
    request = Request.objects.get()
    assert (request.origin_channel, request.topic_id) == ("counter", topic.pk)
    assert request.requester.name == "" and not request.requester.identities.exists()


def test_the_visit_log_and_the_counts_per_hour_and_weekday(world: World, login: Any) -> None:
    today = clock.now().astimezone(clock.PRAGUE).date()
    day = today - dt.timedelta(days=2)
    other_day = today - dt.timedelta(days=1)

    def at(when: dt.date, hour: int, minute: int) -> dt.datetime:
        return dt.datetime.combine(when, dt.time(hour, minute), tzinfo=clock.PRAGUE)

    carol = world.carol
    visit(world, world.alice, at(day, 8, 5))
    visit(world, world.alice, at(day, 8, 55))
    visit(world, carol, at(day, 10, 30), name="Eva Malá")
    visit(world, world.alice, at(other_day, 8, 15))
    visit(world, world.bob, at(day, 9, 0), centre=world.centre_b)  # Třebíč: not Alice's
    services.request_record(
        by=world.alice, centre=world.centre_a, channel="phone", name="Telefonující",
        text="Ne návštěva", received_at=at(day, 8, 30),
    )  # fmt: skip
    client = login(world.alice)

    page = client.get("/staff/visits/", {"day": day.isoformat()}).content.decode()
    assert page.count('data-testid="visit-row"') == 3
    assert "Eva Malá" in page
    by_carol = client.get("/staff/visits/", {"day": day.isoformat(), "agent": carol.pk})
    assert by_carol.content.decode().count('data-testid="visit-row"') == 1
    assert client.get("/staff/visits/").content.decode().count('data-testid="visit-row"') == 4

    counts = client.get("/staff/visits/").context["counts"]
    assert counts.total == 4
    assert [(h, n) for h, n in counts.by_hour if n] == [(8, 3), (10, 1)]
    expected = {day.isoweekday(): 3}
    expected[other_day.isoweekday()] = expected.get(other_day.isoweekday(), 0) + 1
    assert {d: n for d, n in counts.by_weekday if n} == expected
    alice_only = client.get("/staff/visits/", {"agent": world.alice.pk}).context["counts"]
    assert [(h, n) for h, n in alice_only.by_hour if n] == [(8, 3)]


def test_a_coordinator_chooses_the_centre(world: World, login: Any) -> None:
    at = clock.now() - dt.timedelta(hours=1)
    visit(world, world.alice, at)
    visit(world, world.bob, at, centre=world.centre_b)
    visit(world, world.bob, at, centre=world.centre_b)
    client = login(world.carol)

    everything = client.get("/staff/visits/")
    assert everything.content.decode().count('data-testid="visit-row"') == 3
    trebic = client.get("/staff/visits/", {"centre": world.centre_b.pk})
    assert trebic.content.decode().count('data-testid="visit-row"') == 2
    assert trebic.context["counts"].total == 2
    # Alice works for one centre: no centre to choose, and Třebíč's visits are not hers.
    alice = login(world.alice).get("/staff/visits/", {"centre": world.centre_b.pk})
    assert "centre" not in alice.context["form"].fields
    assert alice.content.decode().count('data-testid="visit-row"') == 1


def test_an_analyst_has_no_visit_log(world: World, login: Any) -> None:
    assert login(world.erin).get("/staff/visits/").status_code == 404
