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
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.db.models import DateTimeField, F, Max, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from vik.conversations import events
from vik.conversations.choices import Priority, RequestKind, Status
from vik.conversations.models import Request
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.core.memo import batch_memo, remembered
from vik.notifications.choices import NotificationKind
from vik.notifications.services import notification_send
from vik.tenancy import permissions
from vik.tenancy.choices import Role
from vik.tenancy.models import OpeningHours, User

from . import calendar
from .models import SlaPolicy

log = logging.getLogger(__name__)

STATUTORY_WARN_WORKING_DAYS = 3
CLOSED_STATUSES = {Status.RESOLVED, Status.CLOSED}

# Targets, as the timeline events name them.
FIRST_RESPONSE, RESOLUTION, STATUTORY = "first_response", "resolution", "statutory"


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


def statutory_end(request: Request) -> dt.datetime | None:
    if request.statutory_due_on is None:
        return None
    return calendar.end_of_day(request.statutory_due_on)


def nearest_due(request: Request) -> dt.datetime | None:
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


def due_target(request: Request) -> str:
    """Which target `due_at` is: first_response, resolution or statutory."""
    if request.due_at is not None and request.due_at == statutory_end(request):
        return STATUTORY
    if request.first_response_at is None and request.due_at == request.first_response_due_at:
        return FIRST_RESPONSE
    return RESOLUTION


def request_deadlines_set(request: Request) -> None:
    """Set the SLA targets and the statutory due date on a request about to be created (no
    save: the creating service saves it, one by one or in bulk). Policies and opening hours
    are read once per batch (`vik.core.memo.batch_memo`)."""
    received = request.created_at or clock.now()
    if request.kind == RequestKind.INFORMATION_REQUEST:
        request.statutory_due_on = calendar.statutory_deadline(received)
    policy = policy_for(request.centre_id, request.kind)
    if policy is not None:
        hours = hours_for(request.centre_id)
        request.first_response_due_at = calendar.add_working_minutes(
            received, policy.first_response_minutes, hours
        )
        request.resolution_due_at = calendar.add_working_minutes(
            received, policy.resolution_minutes, hours
        )
    request.due_at = nearest_due(request)


def _due_update(request: Request, fields: set[str]) -> None:
    """Recompute `due_at`; a later target still ahead is warned and escalated anew."""
    due = nearest_due(request)
    if due == request.due_at:
        return
    previous, request.due_at = request.due_at, due
    fields.add("due_at")
    if due is not None and due > clock.now() and (previous is None or due > previous):
        request.sla_warned_at = request.sla_breached_at = None
        fields.update({"sla_warned_at", "sla_breached_at"})


def request_sla_on_status(*, request: Request, old: str, new: str) -> None:
    """Pause the clock while the request waits for the citizen; resume it after.

    Resuming moves the resolution target (and the first response target, if still open) by
    the working minutes the request waited. Resolved and closed requests have no `due_at`;
    reopening one takes its remaining target again.

    Precondition: inside the transaction that changed the status (already saved)."""
    fields: set[str] = set()
    now = clock.now()
    if old == Status.WAITING_CITIZEN and new != old and request.sla_paused_at is not None:
        hours = hours_for(request.centre_id)
        paused = calendar.working_minutes_between(request.sla_paused_at, now, hours)
        if request.resolution_due_at is not None:
            request.resolution_due_at = calendar.add_working_minutes(
                request.resolution_due_at, paused, hours
            )
        if request.first_response_at is None and request.first_response_due_at is not None:
            request.first_response_due_at = calendar.add_working_minutes(
                request.first_response_due_at, paused, hours
            )
        request.sla_paused_at = None
        fields.update({"resolution_due_at", "first_response_due_at", "sla_paused_at"})
        events.sla_resumed(request=request, paused_minutes=paused)
    if new == Status.WAITING_CITIZEN and old != new and request.sla_paused_at is None:
        request.sla_paused_at = now
        fields.add("sla_paused_at")
        events.sla_paused(request=request)
    _due_update(request, fields)
    if fields:
        request.save(update_fields=sorted(fields))


def request_sla_on_first_response(request: Request) -> None:
    """The first response target is met (or missed) now: `due_at` moves to the resolution.

    Precondition: `first_response_at` is set and saved, inside the reply's transaction."""
    fields: set[str] = set()
    _due_update(request, fields)
    if fields:
        request.save(update_fields=sorted(fields))


# The sweep -----------------------------------------------------------------------------------


def sla_sweep() -> None:
    """A periodic job (every 15 s in each worker): warn before targets are missed and
    escalate after.

    Cheap: both passes read only unescalated requests with a `due_at` (a partial index) that
    is past or within the longest warning window, and information requests whose statutory
    last day is near (an index on `statutory_due_on`); escalated, resolved and closed
    requests are not read at all. Idempotent and safe in parallel: each request is claimed by
    a conditional UPDATE of its flag, so of two workers only one acts on it.
    """
    now = clock.now()
    with batch_memo():  # each centre's policy is read once per sweep
        for request_id in _breach_candidates(now):
            try:
                _breach(request_id, now)
            except Exception:
                log.exception("SLA breach of request %s failed; the next sweep retries", request_id)
        for request in _warning_candidates(now):
            if not _warning_due(request, now):
                continue
            try:
                _warn(request, now)
            except Exception:
                log.exception(
                    "SLA warning of request %s failed; the next sweep retries", request.pk
                )


def _breach_candidates(now: dt.datetime) -> list[int]:
    return list(
        Request.objects.filter(due_at__isnull=False, due_at__lte=now, sla_breached_at__isnull=True)
        .order_by("due_at")
        .values_list("pk", flat=True)[:500]
    )


def _warning_candidates(now: dt.datetime) -> list[Request]:
    """Requests within the longest warning window, and information requests whose statutory
    last day is near; not yet warned. Two queries, each served by a partial index."""
    longest = SlaPolicy.objects.filter(is_active=True).aggregate(m=Max("warn_before_minutes"))
    unwarned = Request.objects.filter(
        due_at__isnull=False, due_at__gt=now, sla_breached_at__isnull=True,
        sla_warned_at__isnull=True,
    )  # fmt: skip
    ids = set(
        unwarned.filter(due_at__lte=now + dt.timedelta(minutes=longest["m"] or 0)).values_list(
            "pk", flat=True
        )[:500]
    )
    # The statutory warning comes 3 working days before the last day: at most ~9 calendar
    # days before it (Christmas and a weekend in between).
    ids.update(
        unwarned.filter(
            kind=RequestKind.INFORMATION_REQUEST,
            statutory_due_on__lte=clock.today() + dt.timedelta(days=12),
        ).values_list("pk", flat=True)[:500]
    )
    return list(Request.objects.filter(pk__in=sorted(ids)).order_by("due_at"))


def warning_at(request: Request, policy: SlaPolicy | None) -> dt.datetime | None:
    """When the warning for the current `due_at` is due."""
    moments = []
    if request.due_at is not None and policy is not None:
        moments.append(request.due_at - dt.timedelta(minutes=policy.warn_before_minutes))
    if request.statutory_due_on is not None:
        day = calendar.working_days_before(request.statutory_due_on, STATUTORY_WARN_WORKING_DAYS)
        moments.append(dt.datetime.combine(day, dt.time(0), tzinfo=clock.PRAGUE))
    return min(moments) if moments else None


def _warning_due(request: Request, now: dt.datetime) -> bool:
    moment = warning_at(request, policy_for(request.centre_id, request.kind))
    return moment is not None and moment <= now


def _warn(request: Request, now: dt.datetime) -> None:
    assert request.due_at is not None
    with transaction.atomic():
        claimed = Request.objects.filter(
            pk=request.pk, sla_warned_at__isnull=True, due_at=request.due_at
        ).update(sla_warned_at=now)
        if not claimed:
            return
        target = due_target(request)
        events.sla_warning(
            request=request,
            target=target,
            due_at=request.due_at.astimezone(clock.PRAGUE).isoformat(),
        )
        text = _("Request %(reference)s: the deadline (%(target)s) is %(due)s.") % {
            "reference": request.reference,
            "target": _target_label(target),
            "due": request.due_at.astimezone(clock.PRAGUE).strftime("%d.%m.%Y %H:%M"),
        }
        recipients = [request.assignee] if request.assignee_id else _leads(request)
        for user in recipients:
            notification_send(
                user=user, kind=NotificationKind.SLA_WARNING, text=text, request=request
            )


def _breach(request_id: int, now: dt.datetime) -> None:
    with transaction.atomic():
        claimed = Request.objects.filter(
            pk=request_id, sla_breached_at__isnull=True, due_at__lte=now
        ).update(
            sla_breached_at=now,
            sla_warned_at=Coalesce(F("sla_warned_at"), Value(now, output_field=DateTimeField())),
        )
        if not claimed:
            return
        request = Request.objects.select_related("centre", "queue").get(pk=request_id)
        assert request.due_at is not None
        target = due_target(request)
        events.sla_breached(
            request=request,
            target=target,
            due_at=request.due_at.astimezone(clock.PRAGUE).isoformat(),
        )
        _escalate(request, target, policy_for(request.centre_id, request.kind))


def _escalate(request: Request, target: str, policy: SlaPolicy | None) -> None:
    """What the policy does with a missed target; without a policy (a statutory deadline of
    a centre without one) the centre leads are told."""
    actions: list[str] = []
    if policy is None or policy.notify_lead:
        text = _("Request %(reference)s missed its deadline (%(target)s).") % {
            "reference": request.reference,
            "target": _target_label(target),
        }
        for user in _leads(request):
            notification_send(
                user=user, kind=NotificationKind.SLA_WARNING, text=text, request=request
            )
        actions.append("notify_lead")
    fields: set[str] = set()
    if policy is not None and policy.raise_priority and request.priority < Priority.URGENT:
        old = request.priority
        request.priority = old + 1
        fields.add("priority")
        events.priority_changed(request=request, old=old, new=request.priority, by=None)
        actions.append("raise_priority")
    queue = policy.escalate_to_queue if policy is not None else None
    if queue is not None and request.queue_id != queue.pk:
        old_queue = str(request.queue.name) if request.queue else ""
        request.queue = queue
        fields.add("queue")
        events.queue_changed(request=request, old=old_queue, new=queue.name, by=None)
        actions.append("escalate_to_queue")
    if fields:
        request.save(update_fields=[*sorted(fields), "updated_at"])
    events.escalated(request=request, actions=actions)


def _target_label(target: str) -> str:
    return {
        FIRST_RESPONSE: _("first response"),
        RESOLUTION: _("resolution"),
        STATUTORY: _("statutory deadline"),
    }[target]


def _leads(request: Request) -> list[Any]:
    """The centre leads of the request's centre; without any, the region's coordinators."""
    users = User.objects.filter(is_active=True)
    if request.centre_id is not None:
        leads = list(
            users.filter(
                memberships__centre_id=request.centre_id, memberships__role=Role.CENTRE_LEAD
            ).distinct()
        )
        if leads:
            return leads
    return list(
        users.filter(
            memberships__region_id=request.region_id,
            memberships__centre__isnull=True,
            memberships__role=Role.REGION_COORDINATOR,
        ).distinct()
    )


# Policies ------------------------------------------------------------------------------------


@transaction.atomic
def sla_policy_save(*, policy: SlaPolicy, by: Any) -> SlaPolicy:
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
    policy.save()
    return policy


def sla_policy_ensure(
    *,
    centre: Any,
    kind: str = "",
    first_response_minutes: int,
    resolution_minutes: int,
    warn_before_minutes: int = 60,
    notify_lead: bool = True,
    raise_priority: bool = False,
    escalate_to_queue: Any = None,
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
