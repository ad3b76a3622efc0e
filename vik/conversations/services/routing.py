"""Applying routing decisions to new requests: tags, the assignment policy, the timeline.

`vik.routing` decides (`routing_decide`, the policies' turns); the creating service applies
the decision's columns to the unsaved request (`opening.request_routing_apply`), saves it, and
calls `request_routed` (or `requests_routed` for a batch) for what needs the saved row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from vik.core import clock
from vik.notifications.services import NotificationDraft, notifications_send
from vik.routing.services import (
    RoutingDecision,
    agents_on_duty,
    policy_needed,
    turns_take,
)
from vik.tenancy.models import InformationCentre, User

from .. import events
from ..choices import EventKind
from ..models import Request, TimelineEvent
from ..selectors import open_request_loads
from .changes import request_tags_change


def request_routed(*, request: Request, decision: RoutingDecision, announce: bool = True) -> None:
    """What a decision does once the request is saved: tags, assignment, the timeline.
    `announce=False`: the caller announces the assignee (`assignments_announce`).

    Precondition: inside the transaction that created the request.
    """
    centre = decision.centre
    policy = policy_needed(decision, has_assignee=request.assignee_id is not None)
    if not (decision.tags or decision.rule_ids or request.assignee_id or policy):
        return
    if decision.rule_ids:
        events.routed(
            request=request,
            rules=[
                {"id": pk, "name": name}
                for pk, name in zip(decision.rule_ids, decision.rule_names, strict=False)
            ],
        )
    if decision.tags:
        request_tags_change(request=request, add=decision.tags, by=None)
    if policy and centre is not None:
        assignee = assignee_by_policy(centre=centre, policy=policy)
        if assignee is not None:
            request.assignee = assignee
            type(request).objects.filter(pk=request.pk).update(assignee=assignee)
    if request.assignee_id is not None and announce:
        assignments_announce([request])


def requests_routed(pairs: Sequence[tuple[Request, RoutingDecision]]) -> None:
    """`request_routed` for a batch of new requests, whose policies' assignees were chosen
    before they were saved (`assignments_by_policy`): the assignees are announced together."""
    for request, decision in pairs:
        request_routed(request=request, decision=decision, announce=False)
    assignments_announce([request for request, _decision in pairs if request.assignee_id])


def assignments_announce(requests: Sequence[Any]) -> None:
    """The timeline's "assigned" and the assignee's notification, for new requests."""

    if not requests:
        return
    now = clock.now()
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            request=request, kind=EventKind.ASSIGNED,
            data={"assignee": request.assignee.display_name}, created_at=now,
        )
        for request in requests
    )  # fmt: skip
    notifications_send(
        [
            NotificationDraft(
                user=request.assignee,
                kind="assigned",
                text=_("New request %(reference)s was assigned to you: %(subject)s")
                % {"reference": request.reference, "subject": request.subject},
                request=request,
            )
            for request in requests
        ]
    )


def assignee_by_policy(*, centre: InformationCentre, policy: str) -> User | None:
    """The agent on duty whose turn it is (round robin: longest without an assignment by the
    policy; least load: fewest open requests, ties by round robin), and their turn taken.

    The centre's state rows are locked (in one order) until the commit of the outermost
    transaction (the one creating the request), so two workers assigning for one centre take
    turns instead of both picking the same agent.
    """
    agents = agents_on_duty(centre)
    if not agents:
        return None
    with transaction.atomic():
        [chosen] = turns_take(
            centre=centre, agents=agents, policy=policy, count=1, open_loads=open_request_loads
        )
    return User.objects.get(pk=chosen)


def assignments_by_policy(pairs: Sequence[tuple[Request, RoutingDecision]]) -> None:
    """Before a batch of new requests is saved: each one its centre's assignment policy (or
    its decision's) must assign gets the agent whose turn it is, as `assignee_by_policy`
    would give them one after another, with one lock and one update per centre."""
    groups: dict[tuple[int, str], list[Any]] = {}
    centres: dict[int, InformationCentre] = {}
    for request, decision in pairs:
        policy = policy_needed(decision, has_assignee=request.assignee_id is not None)
        if policy and decision.centre is not None:
            centres[decision.centre.pk] = decision.centre
            groups.setdefault((decision.centre.pk, policy), []).append(request)
    for (centre_id, policy), requests in groups.items():
        agents = agents_on_duty(centres[centre_id])
        if not agents:
            continue
        with transaction.atomic():
            chosen = turns_take(
                centre=centres[centre_id], agents=agents, policy=policy, count=len(requests),
                open_loads=open_request_loads,
            )  # fmt: skip
        users = User.objects.in_bulk(set(chosen))
        for request, user_id in zip(requests, chosen, strict=True):
            request.assignee = users[user_id]
