"""A request that enters through the portal's web form is routed by the region's rules."""

from __future__ import annotations

from vik.conversations.choices import EventKind, Priority
from vik.conversations.models import TimelineEvent
from vik.testing.personas import submit_web_request

from .conftest import make_rule


def test_a_web_form_request_is_routed_by_a_rule(world, client):
    rule = make_rule(
        world,
        name="Průkazy do Třebíče",
        conditions={"keywords": ["obcansky prukaz"], "channels": ["web"]},
        actions={"centre": world.centre_b.pk, "priority": Priority.HIGH, "tags": ["doklady"]},
    )
    request = submit_web_request(client)  # "… kdy mohu vyzvednout nový občanský průkaz? …"
    request.refresh_from_db()
    assert request.centre == world.centre_b  # not Jihlava's centre A, as the territory says
    assert request.priority == Priority.HIGH
    assert list(request.tags.values_list("name", flat=True)) == ["doklady"]
    routed = TimelineEvent.objects.get(request=request, kind=EventKind.ROUTED)
    assert routed.data == {"rules": [{"id": rule.pk, "name": "Průkazy do Třebíče"}]}


def test_without_a_matching_rule_the_territory_decides(world, client):
    make_rule(world, conditions={"keywords": ["stavební povolení"]},
              actions={"centre": world.centre_b.pk})  # fmt: skip
    request = submit_web_request(client)
    assert request.centre == world.centre_a
    assert not TimelineEvent.objects.filter(request=request, kind=EventKind.ROUTED).exists()
