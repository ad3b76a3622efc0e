"""A member of staff changes a request: status, assignee, priority, topic, municipality, queue,
tags; and reads it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from vik.audit.services import audit_record
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.notifications.choices import NotificationKind
from vik.notifications.services import notification_send
from vik.routing.models import Queue
from vik.tenancy import permissions
from vik.territory.models import Municipality
from vik.topics.models import Topic

from .. import events
from ..choices import EventKind, Priority, Status
from ..models import (
    Request,
    Tag,
    TimelineEvent,
)
from ..states import check_transition
from .deadlines import (
    request_sla_on_status,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from vik.tenancy.types import StaffUser


def request_require_work(request: Request, by: StaffUser) -> None:
    if not permissions.can_work_request(by, request):
        raise PermissionDenied("You may not change this request.")


def status_undoable_to(request: Request) -> str:
    """The status the request's last status change came from, while it still has the status
    that change set ('' when there is nothing to undo)."""
    last = (
        TimelineEvent.objects.filter(request=request, kind=EventKind.STATUS_CHANGED)
        .order_by("-created_at", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    if not last or last.get("new") != request.status:
        return ""
    return str(last.get("old") or "")


@transaction.atomic
def request_set_status(
    *, request: Request, status: str, by: StaffUser, undo: bool = False
) -> Request:
    """`undo`: the user takes their last change back (the page's "undo"): the request returns
    to the status it came from even where the state machine has no such step (resolved back to
    waiting for the citizen), but only to exactly that status."""
    request_require_work(request, by)
    if undo and status and status == status_undoable_to(request):
        pass
    else:
        check_transition(request.status, status)
    old, now = request.status, clock.now()
    request.status = status
    if status == Status.RESOLVED:
        request.resolved_at = now
    elif status == Status.CLOSED:
        request.closed_at = now
        request.resolved_at = request.resolved_at or now
    elif old == Status.RESOLVED:
        request.resolved_at = None
    request.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
    events.status_changed(request=request, old=old, new=status, by=by)
    request_sla_on_status(request=request, old=old, new=status)
    return request


@transaction.atomic
def request_assign(*, request: Request, assignee: StaffUser | None, by: StaffUser) -> Request:
    request_require_work(request, by)
    if assignee is not None and not permissions.can_be_assigned(assignee, request):
        # Never the person's name: the actor may not see staff of other centres or regions, and
        # a name in the error would let them list those (issue 14).
        raise ValidationFailed(_("This user cannot be assigned: they do not work for this centre."))
    request.assignee = assignee
    request.save(update_fields=["assignee", "updated_at"])
    events.assigned(request=request, assignee=assignee, by=by)
    if assignee is not None and by.pk != assignee.pk:  # not who took it
        notification_send(
            user=assignee,
            kind=NotificationKind.ASSIGNED,
            text=_("%(who)s assigned %(reference)s to you: %(subject)s")
            % {"who": by.display_name, "reference": request.reference, "subject": request.subject},
            request=request,
        )
    return request


@transaction.atomic
def request_set_topic(*, request: Request, topic: Topic | None, by: StaffUser) -> Request:
    request_require_work(request, by)
    old = str(request.topic or "")
    request.topic = topic
    request.save(update_fields=["topic", "updated_at"])
    events.topic_changed(request=request, old=old, new=str(topic or ""), by=by)
    return request


@transaction.atomic
def request_set_priority(*, request: Request, priority: int, by: StaffUser) -> Request:
    request_require_work(request, by)
    if priority not in Priority.values:
        raise ValidationFailed(_("Unknown priority."))
    old = request.priority
    if old == priority:
        return request
    request.priority = priority
    request.save(update_fields=["priority", "updated_at"])
    events.priority_changed(request=request, old=old, new=priority, by=by)
    return request


@transaction.atomic
def request_set_municipality(
    *, request: Request, municipality: Municipality | None, by: StaffUser
) -> Request:
    request_require_work(request, by)
    if municipality is not None and municipality.region_id != request.region_id:
        raise ValidationFailed(_("The municipality is not in the request's region."))
    old = request.municipality
    if (old.pk if old else None) == (municipality.pk if municipality else None):
        return request
    request.municipality = municipality
    request.save(update_fields=["municipality", "updated_at"])
    events.municipality_changed(
        request=request, old=str(old or ""), new=str(municipality or ""), by=by
    )
    return request


@transaction.atomic
def request_set_queue(*, request: Request, queue: Queue | None, by: StaffUser) -> Request:
    """A queue of the request's own centre, or none."""
    request_require_work(request, by)
    if queue is not None and queue.centre_id != request.centre_id:
        raise ValidationFailed(_("The queue belongs to another centre."))
    old = request.queue
    if (old.pk if old else None) == (queue.pk if queue else None):
        return request
    request.queue = queue
    request.save(update_fields=["queue", "updated_at"])
    events.queue_changed(
        request=request, old=old.name if old else "", new=queue.name if queue else "", by=by
    )
    return request


@transaction.atomic
def request_tags_change(
    *, request: Request, add: Iterable[str] = (), remove: Iterable[str] = (), by: StaffUser | None
) -> Request:
    """Add and remove tags by name (a new name makes a new tag of the region). `by` None: VIK
    itself (the tags of the routing rules), without a permission check."""
    if by is not None:
        request_require_work(request, by)
    before = set(request.tags.values_list("name", flat=True))
    wanted = {n.strip()[:64] for n in add if n.strip()} - before
    dropped = {n.strip() for n in remove} & before
    for name in sorted(wanted):
        tag, _created = Tag.objects.get_or_create(region_id=request.region_id, name=name)
        request.tags.add(tag)
    if dropped:
        request.tags.remove(*Tag.objects.filter(region_id=request.region_id, name__in=dropped))
    if wanted or dropped:
        events.tags_changed(request=request, added=sorted(wanted), removed=sorted(dropped), by=by)
    return request


def request_viewed(
    *, request: Request, by: StaffUser, http_request: HttpRequest | None = None
) -> None:
    """Record that a member of staff opened the request (it carries personal data)."""
    audit_record(
        actor=by, action="request.view", target=request, personal_data=True, request=http_request
    )


@transaction.atomic
def request_close_by_citizen(*, request: Request) -> Request:
    """The citizen closes their own request on the tracking page ("I have my answer" or "I no
    longer need one"), from any status but closed: a citizen is not bound by the clerk's state
    machine. Idempotent; the SLA clock stops as for a clerk's close."""
    locked = Request.objects.select_for_update().get(pk=request.pk)
    if locked.status == Status.CLOSED:
        return locked
    old, now = locked.status, clock.now()
    locked.status = Status.CLOSED
    locked.closed_at = now
    locked.resolved_at = locked.resolved_at or now
    locked.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
    events.status_changed(request=locked, old=old, new=Status.CLOSED, by=None)
    request_sla_on_status(request=locked, old=old, new=Status.CLOSED)
    return locked
