"""The demo's routing: a handful of rules for Kraj Vysočina, a queue, round robin in Jihlava.

Built before the demo's requests are played, so that the history is routed by them. A rule has
a fixed name, so that a second run finds it and adds nothing.
"""

from __future__ import annotations

from typing import Any

from vik.channels.core.choices import ChannelKind
from vik.contacts.choices import RequesterType
from vik.conversations.choices import Priority, RequestKind
from vik.routing.models import Queue, RoutingRule
from vik.tenancy.choices import AssignmentPolicy, Role
from vik.tenancy.models import InformationCentre, Membership, User
from vik.territory.models import Region
from vik.topics.models import Topic

JIHLAVA_ORP = "6105"


def build_routing(
    *, region: Region, centres: dict[str, InformationCentre], second_agent: User
) -> int:
    """The rules (returns how many were new), the Jihlava centre's building queue, and round
    robin between Jihlava's two agents."""
    regional, jihlava = centres["regional"], centres[JIHLAVA_ORP]
    building_queue, _ = Queue.objects.get_or_create(centre=jihlava, name="Stavební")
    institutions, _ = Queue.objects.get_or_create(centre=regional, name="Instituce")
    Membership.objects.get_or_create(
        user=second_agent, region=region, centre=jihlava, role=Role.AGENT
    )
    if jihlava.assignment_policy != AssignmentPolicy.ROUND_ROBIN:
        jihlava.assignment_policy = AssignmentPolicy.ROUND_ROBIN
        jihlava.save(update_fields=["assignment_policy", "updated_at"])
    building = Topic.objects.filter(slug="building").first()
    rules: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
        (
            "Datové schránky úřadů a institucí → krajský úřad",
            {"channels": [ChannelKind.DATABOX], "requester_types": [RequesterType.PUBLIC_BODY]},
            {"centre": regional.pk, "queue": institutions.pk, "tags": ["instituce"]},
            True,
        ),
        (
            "Stížnosti → vysoká priorita",
            {"kinds": [RequestKind.COMPLAINT]},
            {"priority": Priority.HIGH, "tags": ["stížnost"]},
            False,
        ),
        (
            "Stavební povolení v ORP Jihlava → fronta Stavební",
            {"orps": [JIHLAVA_ORP],
             "keywords": ["stavební povolení", "stavebního povolení", "stavební řízení",
                          "ohlášení stavby", "územní rozhodnutí"]},
            {"centre": jihlava.pk, "queue": building_queue.pk, "tags": ["stavební"]},
            True,
        ),
        (
            "Stavební témata v ORP Jihlava → fronta Stavební",
            {"orps": [JIHLAVA_ORP], "topics": [building.pk] if building else []},
            {"centre": jihlava.pk, "queue": building_queue.pk},
            True,
        ),
        (
            "Žádosti podle zákona 106/1999 Sb. → štítek a vysoká priorita",
            {"kinds": [RequestKind.INFORMATION_REQUEST]},
            {"priority": Priority.HIGH, "tags": ["106"]},
            False,
        ),
        (
            "Dotazy v angličtině → krajské centrum",
            {"languages": ["en"]},
            {"centre": regional.pk, "tags": ["english"]},
            True,
        ),
    ]  # fmt: skip
    created = 0
    for position, (name, conditions, actions, stops) in enumerate(rules):
        conditions = {key: values for key, values in conditions.items() if values}
        _rule, new = RoutingRule.objects.get_or_create(
            region=region,
            name=name,
            defaults={"position": position, "conditions": conditions, "actions": actions,
                      "stops": stops},
        )  # fmt: skip
        created += new
    return created
