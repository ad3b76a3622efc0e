"""The demo's routing rules are valid rules that route what they say."""

from __future__ import annotations

from vik.conversations.choices import Priority, RequestKind
from vik.demo.routing import build_routing
from vik.routing.models import RoutingRule
from vik.tenancy.choices import AssignmentPolicy, Role
from vik.testing.personas import TREBIC, _staff

from .conftest import open_request


def test_the_demo_rules_validate_and_route(world):
    second = _staff("jana", world.region, Role.AGENT, world.centre_b)
    centres = {"regional": world.regional_centre, "6105": world.centre_a}
    assert build_routing(region=world.region, centres=centres, second_agent=second) == 6
    assert build_routing(region=world.region, centres=centres, second_agent=second) == 0
    for rule in RoutingRule.objects.all():
        rule.full_clean()  # the editor's validation

    complaint = open_request(world, subject="Hluk", code=TREBIC, kind=RequestKind.COMPLAINT)
    assert complaint.priority == Priority.HIGH
    assert list(complaint.tags.values_list("name", flat=True)) == ["stížnost"]
    assert complaint.centre == world.centre_b

    building = open_request(world, subject="Žádost o stavební povolení")
    assert building.centre == world.centre_a
    assert building.queue is not None and building.queue.name == "Stavební"
    world.centre_a.refresh_from_db()
    assert world.centre_a.assignment_policy == AssignmentPolicy.ROUND_ROBIN
    assert building.assignee in (world.alice, second)
