"""Applying service levels to requests: their deadlines, the paused clock, the sweep.

`vik.sla` computes (targets, the nearest one, when to warn, what a missed target escalates
to); this module writes the results onto requests and their timelines. See `vik.sla.services`
for what `due_at`, `sla_warned_at` and `sla_breached_at` mean.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from vik.core import clock
from vik.core.memo import batch_memo
from vik.notifications.choices import NotificationKind
from vik.notifications.services import notification_send
from vik.sla.selectors import longest_warning_minutes
from vik.sla.services import (
    deadlines_for,
    due_target,
    escalation_for,
    nearest_due,
    policy_for,
    target_label,
    targets_resumed,
    warning_at,
    warns_anew,
)
from vik.tenancy.choices import Role
from vik.tenancy.models import User

from .. import events
from ..choices import RequestKind, Status
from ..models import Request

log = logging.getLogger(__name__)


# The targets of one request ------------------------------------------------------------------


def request_deadlines_set(request: Request) -> None:
    """Set the SLA targets and the statutory due date on a request about to be created (no
    save: the creating service saves it, one by one or in bulk). Policies and opening hours
    are read once per batch (`vik.core.memo.batch_memo`)."""
    deadlines = deadlines_for(
        centre_id=request.centre_id, kind=request.kind, received=request.created_at or clock.now()
    )
    if deadlines.statutory_due_on is not None:
        request.statutory_due_on = deadlines.statutory_due_on
        request.statutory_original_due_on = deadlines.statutory_due_on
    if deadlines.first_response_due_at is not None:
        request.first_response_due_at = deadlines.first_response_due_at
    if deadlines.resolution_due_at is not None:
        request.resolution_due_at = deadlines.resolution_due_at
    request.due_at = nearest_due(request)


def _due_update(request: Request, fields: set[str]) -> None:
    """Recompute `due_at`; a later target still ahead is warned and escalated anew."""
    due = nearest_due(request)
    if due == request.due_at:
        return
    previous, request.due_at = request.due_at, due
    fields.add("due_at")
    if warns_anew(previous=previous, due=due, now=clock.now()):
        request.sla_warned_at = request.sla_breached_at = None
        fields.update({"sla_warned_at", "sla_breached_at"})


def request_due_update(request: Request, fields: set[str]) -> None:
    """`due_at` recomputed after a target moved (no save: the fields to save are added to
    `fields`); a later one still ahead is warned and escalated anew."""
    _due_update(request, fields)


def request_sla_on_status(*, request: Request, old: str, new: str) -> None:
    """Pause the clock while the request waits for the citizen; resume it after.

    Resuming moves the resolution target (and the first response target, if still open) by
    the working minutes the request waited. Resolved and closed requests have no `due_at`;
    reopening one takes its remaining target again.

    Precondition: inside the transaction that changed the status (already saved)."""
    fields: set[str] = set()
    now = clock.now()
    if old == Status.WAITING_CITIZEN and new != old and request.sla_paused_at is not None:
        resumed = targets_resumed(request, centre_id=request.centre_id, now=now)
        request.resolution_due_at = resumed.resolution_due_at
        request.first_response_due_at = resumed.first_response_due_at
        request.sla_paused_at = None
        fields.update({"resolution_due_at", "first_response_due_at", "sla_paused_at"})
        events.sla_resumed(request=request, paused_minutes=resumed.paused_minutes)
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
    unwarned = Request.objects.filter(
        due_at__isnull=False, due_at__gt=now, sla_breached_at__isnull=True,
        sla_warned_at__isnull=True,
    )  # fmt: skip
    ids = set(
        unwarned.filter(
            due_at__lte=now + dt.timedelta(minutes=longest_warning_minutes())
        ).values_list("pk", flat=True)[:500]
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
            "target": target_label(target),
            "due": request.due_at.astimezone(clock.PRAGUE).strftime("%d.%m.%Y %H:%M"),
        }
        assignee = request.assignee  # None without a query when unassigned
        recipients = [assignee] if assignee is not None else _leads(request)
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
        _escalate(request, target)


def _escalate(request: Request, target: str) -> None:
    """What the request's policy does with a missed target (`vik.sla.services.escalation_for`)."""
    escalation = escalation_for(
        policy_for(request.centre_id, request.kind),
        priority=request.priority,
        queue_id=request.queue_id,
    )
    actions: list[str] = []
    if escalation.notify_leads:
        text = _("Request %(reference)s missed its deadline (%(target)s).") % {
            "reference": request.reference,
            "target": target_label(target),
        }
        for user in _leads(request):
            notification_send(
                user=user, kind=NotificationKind.SLA_WARNING, text=text, request=request
            )
        actions.append("notify_lead")
    fields: set[str] = set()
    if escalation.raise_priority:
        old = request.priority
        request.priority = old + 1
        fields.add("priority")
        events.priority_changed(request=request, old=old, new=request.priority, by=None)
        actions.append("raise_priority")
    queue = escalation.queue
    if queue is not None:
        old_queue = str(request.queue.name) if request.queue else ""
        request.queue = queue
        fields.add("queue")
        events.queue_changed(request=request, old=old_queue, new=queue.name, by=None)
        actions.append("escalate_to_queue")
    if fields:
        request.save(update_fields=[*sorted(fields), "updated_at"])
    events.escalated(request=request, actions=actions)


def _leads(request: Request) -> list[User]:
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
