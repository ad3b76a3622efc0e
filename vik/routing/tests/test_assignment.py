"""Assignment policies: round robin among the agents on duty, least open load, absence."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections, transaction

from vik.conversations.choices import EventKind, Status
from vik.conversations.models import Request, TimelineEvent
from vik.conversations.services.routing import assignee_by_policy
from vik.notifications.models import Notification
from vik.tenancy.choices import AssignmentPolicy

from .conftest import make_rule, open_request


def set_policy(centre, policy):
    centre.assignment_policy = policy
    centre.save()


def test_round_robin_over_three_agents_gives_ten_each(world, jihlava_agents):
    set_policy(world.centre_a, AssignmentPolicy.ROUND_ROBIN)
    requests = [open_request(world, subject=f"Dotaz {n}") for n in range(30)]
    counts = Counter(r.assignee.username for r in requests)
    assert counts == {"alice": 10, "anna": 10, "adam": 10}
    assert (
        Counter(
            Request.objects.filter(centre=world.centre_a).values_list(
                "assignee__username", flat=True
            )
        )
        == counts
    )  # saved, not only on the objects
    assert Notification.objects.filter(user=world.alice, kind="assigned").count() == 10
    assert TimelineEvent.objects.filter(request=requests[0], kind=EventKind.ASSIGNED).count() == 1


def test_an_absent_agent_gets_nothing(world, jihlava_agents):
    set_policy(world.centre_a, AssignmentPolicy.ROUND_ROBIN)
    world.alice.is_absent = True
    world.alice.save()
    requests = [open_request(world, subject=f"Dotaz {n}") for n in range(30)]
    assert Counter(r.assignee.username for r in requests) == {"anna": 15, "adam": 15}


def test_the_longest_waiting_agent_comes_first_after_a_return(world, jihlava_agents):
    alice, anna, adam = jihlava_agents
    for _ in range(3):
        assignee_by_policy(centre=world.centre_a, policy=AssignmentPolicy.ROUND_ROBIN)
    anna.is_absent = True
    anna.save()
    picked = [
        assignee_by_policy(centre=world.centre_a, policy=AssignmentPolicy.ROUND_ROBIN)
        for _ in range(2)
    ]
    anna.is_absent = False
    anna.save()
    after = assignee_by_policy(centre=world.centre_a, policy=AssignmentPolicy.ROUND_ROBIN)
    assert picked == [alice, adam]
    assert after == anna  # her last assignment is the oldest


def test_least_load_picks_the_least_loaded(world, jihlava_agents):
    alice, anna, adam = jihlava_agents
    for agent, count in ((alice, 3), (anna, 1), (adam, 2)):
        for n in range(count):
            Request.objects.filter(pk=open_request(world, subject=f"x{n}").pk).update(
                assignee=agent
            )
    closed = open_request(world, subject="hotovo")
    Request.objects.filter(pk=closed.pk).update(assignee=adam, status=Status.CLOSED)
    # A closed request is no load; Adam's two open ones are.
    set_policy(world.centre_a, AssignmentPolicy.LEAST_LOAD)
    assert open_request(world).assignee == anna
    assert open_request(world).assignee in (anna, adam)  # now 2, 2 (and Alice 3)


def test_a_rule_policy_beats_the_centres_and_an_assignee_beats_both(world, jihlava_agents):
    make_rule(world, 0, conditions={"keywords": ["hluk"]}, actions={"policy": "round_robin"})
    make_rule(world, 1, conditions={"keywords": ["odpad"]}, actions={"assignee": world.carol.pk})
    assert open_request(world, subject="Dotaz").assignee is None  # the centre's: manual
    assert open_request(world, subject="Hluk v noci").assignee == world.alice
    waste = open_request(world, subject="Odpady")
    assert waste.assignee == world.carol
    assert Notification.objects.filter(user=world.carol, request=waste).count() == 1


def test_nothing_to_do_costs_no_query_beyond_the_request(world, django_assert_num_queries):
    request = open_request(world)  # warm: manual centre, no rules
    from vik.conversations.services.routing import request_routed
    from vik.routing.services import RoutingDecision

    with django_assert_num_queries(0):
        request_routed(request=request, decision=RoutingDecision(centre=world.centre_a))
    assert not TimelineEvent.objects.filter(request=request, kind=EventKind.ROUTED).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_assigning_at_once_stay_fair(world, jihlava_agents):
    set_policy(world.centre_a, AssignmentPolicy.ROUND_ROBIN)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            start.wait()
            for n in range(15):
                with transaction.atomic():
                    open_request(world, subject=f"Worker {number} request {n}")
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Counter(
        Request.objects.filter(centre=world.centre_a).values_list("assignee__username", flat=True)
    ) == {"alice": 10, "anna": 10, "adam": 10}
