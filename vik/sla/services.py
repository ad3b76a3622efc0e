"""Service levels and statutory deadlines of requests.

A request carries its targets in absolute time (`first_response_due_at`,
`resolution_due_at`), computed once from its centre's policy when it is created and moved
only by pauses; moving it to another centre keeps them. `due_at` is the nearest target still
open — the first response until there is one, then the resolution; for an information
request (Act 106/1999) the statutory deadline, 23:59:59 of its last day, when that is earlier.
`due_at` is NULL while the clock is paused (waiting for the citizen) — except an information
request's, which stays its statutory deadline: the law's days run on — and once the request is
resolved or closed: a NULL `due_at` is not urgent.

`sla_warned_at` and `sla_breached_at` belong to the current `due_at`. When `due_at` moves to a
later target that is still ahead (the first response was sent, a pause moved the targets),
both are cleared, so the sweep warns and escalates again for the new target. For an
information request the same two flags also cover the statutory deadline: the warning comes
at the latest 3 working days before its last day, the breach when that day is over.

This module decides from plain facts: a centre's policy and opening hours, the targets of a
new request (`deadlines_for`), the nearest one (`nearest_due`), when to warn, what a missed
target escalates to. It never writes a request: `vik.conversations.services.deadlines`
applies the decisions and runs the sweep.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.db import transaction
from django.utils.translation import gettext as _

from vik.audit.services import audit_record
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.core.memo import remembered
from vik.routing.models import Queue
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre, OpeningHours
from vik.topics.choices import Priority, RequestKind, Status

from . import calendar
from .models import SlaPolicy

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

STATUTORY_WARN_WORKING_DAYS = 3
CLOSED_STATUSES = {Status.RESOLVED, Status.CLOSED}

# Targets, as the timeline events name them.
FIRST_RESPONSE, RESOLUTION, STATUTORY = "first_response", "resolution", "statutory"


class RequestClock(Protocol):
    """What the service levels read of a request (a `vik.conversations` `Request` has it)."""

    @property
    def status(self) -> str: ...
    @property
    def due_at(self) -> dt.datetime | None: ...
    @property
    def first_response_at(self) -> dt.datetime | None: ...
    @property
    def first_response_due_at(self) -> dt.datetime | None: ...
    @property
    def resolution_due_at(self) -> dt.datetime | None: ...
    @property
    def statutory_due_on(self) -> dt.date | None: ...
    @property
    def sla_paused_at(self) -> dt.datetime | None: ...


# Reading the configuration (remembered for a batch of intake work) ---------------------------


def policy_for(centre_id: int | None, kind: str) -> SlaPolicy | None:
    """The centre's active policy for the kind, else its policy for every kind. Every centre's
    policies are read in one query per batch (a handful of rows per centre)."""
    if centre_id is None:
        return None
    policies = remembered(("sla.policies",), _policies_by_centre, lasting=True).get(centre_id, {})
    return policies.get(kind) or policies.get("")


def _policies_by_centre() -> dict[int, dict[str, SlaPolicy]]:
    found: dict[int, dict[str, SlaPolicy]] = {}
    for policy in SlaPolicy.objects.filter(is_active=True).select_related("escalate_to_queue"):
        found.setdefault(policy.centre_id, {})[policy.kind] = policy
    return found


def hours_for(centre_id: int | None) -> calendar.WeeklyHours:
    """The centre's opening hours as the calendar counts them (every centre's in one query per
    batch)."""
    if centre_id is None:
        return calendar.DEFAULT_HOURS
    by_centre = remembered(("sla.hours",), _hours_by_centre, lasting=True)
    return by_centre.get(centre_id) or calendar.DEFAULT_HOURS


def _hours_by_centre() -> dict[int, calendar.WeeklyHours]:
    rows: dict[int, list[OpeningHours]] = {}
    for hours in OpeningHours.objects.order_by("centre_id", "weekday", "opens"):
        rows.setdefault(hours.centre_id, []).append(hours)
    return {centre_id: calendar.weekly_hours(items) for centre_id, items in rows.items()}


# The targets of one request ------------------------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    """The targets of a new request (None: it has none of that kind)."""

    statutory_due_on: dt.date | None = None
    first_response_due_at: dt.datetime | None = None
    resolution_due_at: dt.datetime | None = None


def deadlines_for(*, centre_id: int | None, kind: str, received: dt.datetime) -> Deadlines:
    """The targets of a request of `kind` received by the centre at `received`: the statutory
    due date of an information request, the centre's policy's targets in its working minutes.
    Policies and opening hours are read once per batch (`vik.core.memo.batch_memo`)."""
    statutory_due_on = None
    if kind == RequestKind.INFORMATION_REQUEST:
        statutory_due_on = calendar.statutory_deadline(received)
    policy = policy_for(centre_id, kind)
    if policy is None:
        return Deadlines(statutory_due_on=statutory_due_on)
    hours = hours_for(centre_id)
    return Deadlines(
        statutory_due_on=statutory_due_on,
        first_response_due_at=calendar.add_working_minutes(
            received, policy.first_response_minutes, hours
        ),
        resolution_due_at=calendar.add_working_minutes(received, policy.resolution_minutes, hours),
    )


def statutory_end(request: RequestClock) -> dt.datetime | None:
    if request.statutory_due_on is None:
        return None
    return calendar.end_of_day(request.statutory_due_on)


def nearest_due(request: RequestClock) -> dt.datetime | None:
    """What `due_at` should be now (see the module docstring)."""
    if request.status in CLOSED_STATUSES:
        return None
    if request.sla_paused_at is not None:
        # Waiting for the citizen pauses the centre's targets, never the law's deadline (its
        # suspension by a formal call to clarify comes with the statutory workflow).
        return statutory_end(request)
    target: dt.datetime | None = request.resolution_due_at
    if request.first_response_at is None and request.first_response_due_at is not None:
        target = request.first_response_due_at
    statutory = statutory_end(request)
    if statutory is not None and (target is None or statutory < target):
        return statutory
    return target


def due_target(request: RequestClock) -> str:
    """Which target `due_at` is: first_response, resolution or statutory."""
    if request.due_at is not None and request.due_at == statutory_end(request):
        return STATUTORY
    if request.first_response_at is None and request.due_at == request.first_response_due_at:
        return FIRST_RESPONSE
    return RESOLUTION


def warns_anew(*, previous: dt.datetime | None, due: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether `due_at` moving from `previous` to `due` is warned and escalated anew (its
    `sla_warned_at` and `sla_breached_at` cleared): a later target that is still ahead."""
    return due is not None and due > now and (previous is None or due > previous)


@dataclass(frozen=True)
class Resumption:
    """A paused clock resumed: how long it stood and the targets moved by that."""

    paused_minutes: int
    resolution_due_at: dt.datetime | None
    first_response_due_at: dt.datetime | None


def targets_resumed(
    request: RequestClock, *, centre_id: int | None, now: dt.datetime
) -> Resumption:
    """The resolution target (and the first response target, if still open) moved by the
    working minutes the request waited since `sla_paused_at` (set)."""
    assert request.sla_paused_at is not None
    hours = hours_for(centre_id)
    paused = calendar.working_minutes_between(request.sla_paused_at, now, hours)
    resolution, first_response = request.resolution_due_at, request.first_response_due_at
    if resolution is not None:
        resolution = calendar.add_working_minutes(resolution, paused, hours)
    if request.first_response_at is None and first_response is not None:
        first_response = calendar.add_working_minutes(first_response, paused, hours)
    return Resumption(paused, resolution, first_response)


# Warning and escalating ----------------------------------------------------------------------


def warning_at(request: RequestClock, policy: SlaPolicy | None) -> dt.datetime | None:
    """When the warning for the current `due_at` is due."""
    moments = []
    if request.due_at is not None and policy is not None:
        moments.append(request.due_at - dt.timedelta(minutes=policy.warn_before_minutes))
    if request.statutory_due_on is not None:
        day = calendar.working_days_before(request.statutory_due_on, STATUTORY_WARN_WORKING_DAYS)
        moments.append(dt.datetime.combine(day, dt.time(0), tzinfo=clock.PRAGUE))
    return min(moments) if moments else None


@dataclass(frozen=True)
class Escalation:
    """What a missed target does: tell the centre leads, raise the priority (by one), move the
    request to a queue (None: it stays)."""

    notify_leads: bool
    raise_priority: bool
    queue: Queue | None


def escalation_for(policy: SlaPolicy | None, *, priority: int, queue_id: int | None) -> Escalation:
    """What the policy does with a missed target of a request with this priority, in this queue;
    without a policy (a statutory deadline of a centre without one) the centre leads are told."""
    queue = policy.escalate_to_queue if policy is not None else None
    return Escalation(
        notify_leads=policy is None or policy.notify_lead,
        raise_priority=policy is not None and policy.raise_priority and priority < Priority.URGENT,
        queue=queue if queue is not None and queue_id != queue.pk else None,
    )


def target_label(target: str) -> str:
    return {
        FIRST_RESPONSE: _("first response"),
        RESOLUTION: _("resolution"),
        STATUTORY: _("statutory deadline"),
    }[target]


# Policies ------------------------------------------------------------------------------------


@transaction.atomic
def sla_policy_save(*, policy: SlaPolicy, by: StaffUser) -> SlaPolicy:
    """Create or change a centre's policy. Targets of existing requests stay as they are; new
    requests get the new ones."""
    if not permissions.can_manage_sla(by, policy.centre):
        raise PermissionDenied("You may not set the service levels of this centre.")
    if policy.escalate_to_queue is not None and policy.escalate_to_queue.centre_id != (
        policy.centre_id
    ):
        raise ValidationFailed(_("The escalation queue must belong to the same centre."))
    clash = SlaPolicy.objects.filter(centre_id=policy.centre_id, kind=policy.kind)
    if policy.pk:
        clash = clash.exclude(pk=policy.pk)
    if clash.exists():
        raise ValidationFailed(_("The centre already has a policy for this kind of request."))
    created = policy.pk is None
    policy.save()
    audit_record(
        actor=by,
        action="sla.policy_create" if created else "sla.policy_update",
        target=policy,
        region_id=policy.centre.region_id,
        details={
            "name": str(policy)[:200],
            "centre_id": policy.centre_id,
            "first_response_minutes": policy.first_response_minutes,
            "resolution_minutes": policy.resolution_minutes,
            "is_active": policy.is_active,
        },
    )
    return policy


def sla_policy_ensure(
    *,
    centre: InformationCentre,
    kind: str = "",
    first_response_minutes: int,
    resolution_minutes: int,
    warn_before_minutes: int = 60,
    notify_lead: bool = True,
    raise_priority: bool = False,
    escalate_to_queue: Queue | None = None,
) -> SlaPolicy:
    """The centre's policy for the kind, created with these targets unless it exists (the
    demo and set-up scripts)."""
    policy, _created = SlaPolicy.objects.get_or_create(
        centre=centre,
        kind=kind,
        defaults={
            "first_response_minutes": first_response_minutes,
            "resolution_minutes": resolution_minutes,
            "warn_before_minutes": warn_before_minutes,
            "notify_lead": notify_lead,
            "raise_priority": raise_priority,
            "escalate_to_queue": escalate_to_queue,
        },
    )
    return policy
