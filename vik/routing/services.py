"""Routing: which centre, queue, priority, tags and assignee a new request gets.

`routing_decide` reads the facts of a request that is about to be created and returns a
`RoutingDecision`; the creating service applies it to the unsaved request, saves, and then
calls `request_routed` for what needs the saved row (tags, the assignment policy, events).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vik.tenancy.models import InformationCentre
from vik.tenancy.selectors import centre_competent
from vik.territory.models import Municipality, Region
from vik.topics.models import Topic

from .models import Queue


@dataclass(frozen=True)
class RoutingFacts:
    region: Region
    topic: Topic | None
    municipality: Municipality | None
    account: Any  # channels.ChannelAccount | None
    channel: str
    kind: str
    language: str
    subject: str
    text: str
    requester_type: str


@dataclass
class RoutingDecision:
    centre: InformationCentre | None = None
    queue: Queue | None = None
    priority: int | None = None
    tags: list[str] = field(default_factory=list)
    assignee: Any = None
    policy: str = ""  # an assignment policy to apply instead of the centre's own
    rule_ids: list[int] = field(default_factory=list)


def routing_decide(facts: RoutingFacts) -> RoutingDecision:
    """The region's rules in order, then the channel account's centre, then the territory."""
    decision = RoutingDecision()
    if facts.account is not None and facts.account.centre_id:
        decision.centre = facts.account.centre
    if decision.centre is None:
        decision.centre = centre_competent(
            region=facts.region, municipality=facts.municipality, topic=facts.topic
        )
    return decision


def request_routed(*, request: Any, decision: RoutingDecision) -> None:
    """What a decision does once the request is saved: tags, assignment, the timeline.

    Precondition: inside the transaction that created the request.
    """
