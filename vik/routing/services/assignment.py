"""Assignment policies: which agent on duty a centre's policy gives a new request.

Round robin: the agent longest without an assignment by the policy; least load: the fewest
open requests, ties by round robin. The turns are routing's own rows (`AssignmentState`); the
open requests are counted by the caller (`vik.conversations`), which also saves the assignee.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from vik.core import clock
from vik.core.db import rows_update
from vik.tenancy.choices import AssignmentPolicy, Role
from vik.tenancy.models import InformationCentre, User

from ..models import AssignmentState
from .engine import RoutingDecision

# The assignment policies that pick an agent themselves.
POLICIES = (AssignmentPolicy.ROUND_ROBIN, AssignmentPolicy.LEAST_LOAD)

# The open requests of each of the given agents (ids), for the least-load policy.
OpenLoads = Callable[[Sequence[int]], Mapping[int, int]]


def policy_needed(decision: RoutingDecision, *, has_assignee: bool) -> str:
    """The assignment policy that must pick the agent of a request routed by `decision`
    (without an assignee yet), or ""."""
    centre = decision.centre
    policy = decision.policy or (centre.assignment_policy if centre is not None else "")
    if not has_assignee and centre is not None and policy in POLICIES:
        return policy
    return ""


def agents_on_duty(centre: InformationCentre) -> list[int]:
    """Ids of the centre's agents who may get new requests: active and not absent."""
    return sorted(
        set(
            User.objects.filter(
                is_active=True,
                is_absent=False,
                memberships__centre=centre,
                memberships__role=Role.AGENT,
            ).values_list("pk", flat=True)
        )
    )


def turns_take(
    *,
    centre: InformationCentre,
    agents: list[int],
    policy: str,
    count: int,
    open_loads: OpenLoads,
) -> list[int]:
    """The ids of the agents whose turn it is for `count` requests, in order, and the turns
    taken. `open_loads` is asked (least load only) once the centre's state rows are locked.

    Precondition: inside a transaction (the centre's state rows stay locked until its commit,
    so two workers assigning for one centre take turns instead of picking the same agent).
    """
    AssignmentState.objects.bulk_create(
        [AssignmentState(centre=centre, user_id=pk) for pk in agents], ignore_conflicts=True
    )
    states = list(
        AssignmentState.objects.select_for_update().filter(centre=centre).order_by("user_id")
    )
    on_duty = set(agents)
    eligible = [s for s in states if s.user_id in on_duty]
    loads: dict[int, int] = {}
    if policy == AssignmentPolicy.LEAST_LOAD:
        loads = dict(open_loads(agents))
    next_turn = max(s.turn for s in states) + 1
    chosen: list[AssignmentState] = []
    for _request in range(count):
        if policy == AssignmentPolicy.LEAST_LOAD:
            pick = min(eligible, key=lambda s: (loads.get(s.user_id, 0), s.turn, s.user_id))
            loads[pick.user_id] = loads.get(pick.user_id, 0) + 1
        else:
            pick = min(eligible, key=lambda s: (s.turn, s.user_id))
        pick.turn, next_turn = next_turn, next_turn + 1
        chosen.append(pick)
    now = clock.now()
    taken = {state.pk: state for state in chosen}
    for state in taken.values():
        state.last_assigned_at = now
    rows_update(list(taken.values()), ["turn", "last_assigned_at"])
    return [state.user_id for state in chosen]
