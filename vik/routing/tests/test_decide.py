"""Rule evaluation: conditions (AND between, any-of within), actions, order and stopping."""

from __future__ import annotations

import pytest

from vik.contacts.choices import RequesterType
from vik.core.memo import batch_memo
from vik.routing.models import Queue
from vik.routing.services import routing_decide
from vik.testing.personas import JIHLAVA, TREBIC

from .conftest import make_facts, make_rule, municipality, topic

# (conditions, facts, matches). Topics are slugs here, made ids by the test.
CASES = [
    ({}, {}, True),
    ({"topics": ["building"]}, {"topic": "building-permits"}, True),
    ({"topics": ["building"]}, {"topic": "building"}, True),
    ({"topics": ["building-permits"]}, {"topic": "building"}, False),
    ({"topics": ["waste", "building"]}, {"topic": "building-zoning"}, True),
    ({"topics": ["waste"]}, {"topic": "building-permits"}, False),
    ({"topics": ["waste"]}, {"topic": None}, False),
    ({"municipalities": [JIHLAVA]}, {}, True),
    ({"municipalities": [JIHLAVA]}, {"municipality": TREBIC}, False),
    ({"municipalities": [JIHLAVA]}, {"municipality": None}, False),
    ({"orps": ["6113"]}, {"municipality": TREBIC}, True),
    ({"orps": ["6113"]}, {"municipality": JIHLAVA}, False),
    ({"orps": ["6105", "6113"]}, {"municipality": JIHLAVA}, True),
    ({"channels": ["email", "web"]}, {"channel": "web"}, True),
    ({"channels": ["email"]}, {"channel": "phone"}, False),
    ({"kinds": ["complaint"]}, {"kind": "complaint"}, True),
    ({"kinds": ["complaint"]}, {"kind": "inquiry"}, False),
    ({"languages": ["en"]}, {"language": "en"}, True),
    ({"languages": ["en"]}, {"language": "cs"}, False),
    ({"keywords": ["stavební povolení"]}, {"text": "Potřebuji STAVEBNI POVOLENI na garáž"}, True),
    ({"keywords": ["stavebni povoleni"]}, {"subject": "Stavební  povolení – garáž"}, True),
    ({"keywords": ["stížnost"]}, {"text": "Podávám stížnosti na hluk."}, True),
    ({"keywords": ["Žďár"]}, {"subject": "Úřad ve ZDARU nad Sázavou"}, True),
    ({"keywords": ["les"]}, {"text": "Plesnivé zdi v bytě"}, False),
    ({"keywords": ["odpad", "popelnice"]}, {"text": "Kdy vyvážíte popelnice?"}, True),
    ({"keywords": ["odpad"]}, {"text": "Dobrý den"}, False),
    ({"requester_types": ["public_body"]}, {"requester_type": RequesterType.PUBLIC_BODY}, True),
    ({"requester_types": ["public_body"]}, {"requester_type": RequesterType.CITIZEN}, False),
    ({"channels": ["web"], "kinds": ["complaint"]}, {"kind": "inquiry"}, False),
    ({"channels": ["web"], "kinds": ["complaint"]}, {"kind": "complaint"}, True),
    (
        {"orps": ["6105"], "keywords": ["průkaz"], "requester_types": ["citizen"]},
        {"text": "nový obcansky prukaz"},
        True,
    ),
]


@pytest.mark.parametrize(("conditions", "facts", "matches"), CASES)
def test_a_rule_matches_when_every_condition_holds(world, conditions, facts, matches):
    if "topics" in conditions:
        conditions = {**conditions, "topics": [topic(s).pk for s in conditions["topics"]]}
    if "topic" in facts:
        facts = {**facts, "topic": topic(facts["topic"])}
    if "municipality" in facts:
        facts = {**facts, "municipality": municipality(facts["municipality"])}
    rule = make_rule(world, conditions=conditions, actions={"tags": ["hit"], "priority": 3})

    decision = routing_decide(make_facts(world, **facts))

    assert decision.tags == (["hit"] if matches else [])
    assert decision.priority == (3 if matches else None)
    assert decision.rule_ids == ([rule.pk] if matches else [])


def test_an_account_condition(world):
    make_rule(world, conditions={"accounts": [world.web.pk]})
    assert routing_decide(make_facts(world)).tags == ["hit"]
    assert routing_decide(make_facts(world, account=None)).tags == []


@pytest.mark.parametrize(
    ("first_stops", "first_matches", "tags", "priority", "centre"),
    [
        (True, True, ["a"], 3, "centre_b"),
        (False, True, ["a", "b"], 3, "centre_b"),  # later rules add tags, fill what is unset
        (True, False, ["b", "a"], 4, "centre_a"),
    ],
)
def test_order_stops_and_the_first_scalar_wins(
    world, first_stops, first_matches, tags, priority, centre
):
    first = make_rule(
        world, 0, stops=first_stops,
        conditions={"channels": ["web" if first_matches else "fax"]},
        actions={"tags": ["a"], "priority": 3, "centre": world.centre_b.pk},
    )  # fmt: skip
    second = make_rule(
        world, 1, actions={"tags": ["b", "a"], "priority": 4, "centre": world.centre_a.pk}
    )
    make_rule(world, 2, is_active=False, actions={"tags": ["never"]})

    decision = routing_decide(make_facts(world))

    assert decision.tags == tags
    assert decision.priority == priority
    assert decision.centre == getattr(world, centre)
    matched = [first.pk] if first_matches else []
    if not first_matches or not first_stops:
        matched.append(second.pk)
    assert decision.rule_ids == matched


def test_a_queue_decides_its_centre_and_must_belong_to_the_decided_one(world):
    building = Queue.objects.create(centre=world.centre_b, name="Stavební")
    make_rule(
        world, 5, stops=False, conditions={"keywords": ["stavb"]}, actions={"queue": building.pk}
    )
    decision = routing_decide(make_facts(world, text="Stavba garáže"))
    assert (decision.centre, decision.queue) == (world.centre_b, building)

    make_rule(world, 1, stops=False, conditions={"keywords": ["hluk"]},
              actions={"centre": world.centre_a.pk})  # fmt: skip
    decision = routing_decide(make_facts(world, text="Stavba garáže a hluk"))
    assert (decision.centre, decision.queue) == (world.centre_a, None)


def test_an_assignee_only_where_they_work_and_not_when_absent(world):
    make_rule(world, actions={"assignee": world.bob.pk}, conditions={"kinds": ["complaint"]})
    trebic = municipality(TREBIC)
    assert (
        routing_decide(make_facts(world, kind="complaint", municipality=trebic)).assignee
        == world.bob
    )
    # Jihlava's request goes to centre A, where Bob does not work.
    assert routing_decide(make_facts(world, kind="complaint")).assignee is None
    world.bob.is_absent = True
    world.bob.save()
    assert routing_decide(make_facts(world, kind="complaint", municipality=trebic)).assignee is None


def test_a_coordinator_may_be_assigned_anywhere_in_the_region(world):
    make_rule(world, actions={"assignee": world.carol.pk})
    assert routing_decide(make_facts(world)).assignee == world.carol


def test_the_rules_are_read_once_per_batch(world, django_assert_max_num_queries):
    for position in range(50):
        make_rule(world, position, stops=False, conditions={"keywords": [f"slovo{position:02d}"]},
                  actions={"tags": [f"t{position}"], "centre": world.centre_b.pk})  # fmt: skip
    facts = make_facts(world, text="slovo07 a slovo42")
    with batch_memo():
        routing_decide(facts)
        with django_assert_max_num_queries(0):
            decision = routing_decide(facts)
    assert decision.tags == ["t7", "t42"]
    assert decision.centre == world.centre_b
