"""The network of centres: transfers, consultations, merge and split."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from vik.channels.core.models import MessageReference
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.notifications.choices import NotificationKind
from vik.notifications.services import notification_send
from vik.routing.services import (
    RoutingDecision,
)
from vik.tenancy import permissions
from vik.tenancy.choices import Role
from vik.tenancy.models import InformationCentre, User

from .. import events
from ..choices import AccessReason, Direction, Status, Visibility
from ..models import (
    Consultation,
    Interaction,
    Request,
    RequestAccess,
    TimelineEvent,
    Transfer,
)
from .changes import request_require_work
from .deadlines import (
    request_sla_on_status,
)
from .opening import request_open
from .routing import request_routed

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def _notify_centre(centre: InformationCentre, *, kind: str, text: str, request: Request) -> None:
    """Tell a centre something: its leads, or its agents when it has no lead."""
    staff = User.objects.filter(is_active=True, memberships__centre=centre)
    recipients = list(staff.filter(memberships__role=Role.CENTRE_LEAD).distinct().order_by("pk"))
    if not recipients:
        recipients = list(staff.filter(memberships__role=Role.AGENT).distinct().order_by("pk"))
    for user in recipients:
        notification_send(user=user, kind=kind, text=text, request=request)


@transaction.atomic
def request_transfer(
    *, request: Request, centre: InformationCentre, reason: str, by: StaffUser
) -> Transfer:
    """Hand the request to another centre of the region, with a reason.

    The request stays the same row (timeline, contact, attachments and service level targets go
    with it); the assignee stays only if they may work in the new centre, else the new centre's
    assignment policy applies. The old centre keeps read access if it is set up to; the new
    centre's leads are told. The citizen is not contacted.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why the request is transferred."))
    if request.merged_into_id is not None:
        raise ValidationFailed(_("A merged request cannot be transferred."))
    if centre.pk == request.centre_id:
        raise ValidationFailed(_("The request already belongs to that centre."))
    if not permissions.can_transfer_request_to(by, request, centre):
        raise PermissionDenied(_("You may not transfer this request to that centre."))
    now, old = clock.now(), request.centre
    request.centre = centre
    if request.assignee is not None and not permissions.can_be_assigned(request.assignee, request):
        request.assignee = None
    request.save(update_fields=["centre", "assignee", "updated_at"])
    transfer = Transfer.objects.create(
        request=request, from_centre=old, to_centre=centre, reason=reason,
        by=by, at=now,
    )  # fmt: skip
    # The request comes back to a centre that handed it on before: it works it again, its old
    # read grant ends (a consultation's grant ends with the answer).
    RequestAccess.objects.filter(
        request=request, centre=centre, reason=AccessReason.TRANSFER, revoked_at__isnull=True
    ).update(revoked_at=now)
    if old is not None and old.keeps_access_after_transfer:
        RequestAccess.objects.create(
            request=request, centre=old, reason=AccessReason.TRANSFER, granted_at=now
        )
    events.transferred(request=request, old=str(old or ""), new=str(centre), reason=reason, by=by)
    if request.assignee is None:  # the new centre's assignment policy (and its announcement)
        request_routed(request=request, decision=RoutingDecision(centre=centre))
    _notify_centre(
        centre,
        kind=NotificationKind.TRANSFER,
        text=_("%(reference)s was transferred to your centre from %(centre)s: %(reason)s")
        % {"reference": request.reference, "centre": old or "—", "reason": reason},
        request=request,
    )
    return transfer


def request_move(
    *, request: Request, centre: InformationCentre, by: StaffUser, reason: str = ""
) -> Request:
    """`request_transfer` for callers that give no reason."""
    request_transfer(
        request=request, centre=centre, by=by, reason=reason or _("Moved to another centre.")
    )
    return request


@transaction.atomic
def consultation_ask(
    *, request: Request, centre: InformationCentre, question: str, by: StaffUser
) -> Consultation:
    """Ask another centre of the region about a request: it reads the request until it answers
    (`RequestAccess`), and its leads are told."""
    question = question.strip()
    if not question:
        raise ValidationFailed(_("Write the question."))
    if centre.pk == request.centre_id:
        raise ValidationFailed(_("Ask a centre other than the request's own."))
    if not permissions.can_consult(by, request, centre):
        raise PermissionDenied(_("You may not ask that centre about this request."))
    now = clock.now()
    consultation = Consultation.objects.create(
        request=request, from_centre=request.centre, to_centre=centre, question=question,
        asked_by=by, asked_at=now,
    )  # fmt: skip
    RequestAccess.objects.create(
        request=request, centre=centre, reason=AccessReason.CONSULTATION, granted_at=now
    )
    events.consultation_asked(request=request, centre=str(centre), question=question, by=by)
    _notify_centre(
        centre,
        kind=NotificationKind.CONSULTATION,
        text=_("%(centre)s asks your centre about %(reference)s: %(question)s")
        % {"centre": request.centre or "—", "reference": request.reference, "question": question},
        request=request,
    )
    return consultation


@transaction.atomic
def consultation_answer(*, consultation: Consultation, answer: str, by: StaffUser) -> Interaction:
    """Answer a consultation: an internal note on the request's timeline. The consulted centre
    stops reading the request (unless VIK_CONSULTATION_KEEPS_ACCESS) and the asker is told."""
    consultation = (
        Consultation.objects.select_for_update()
        .select_related("request", "to_centre", "asked_by")
        .get(pk=consultation.pk)
    )
    request = consultation.request
    if not permissions.can_answer_consultation(
        by, centre_id=consultation.to_centre_id, region_id=request.region_id
    ):
        raise PermissionDenied(_("You may not answer this consultation."))
    if consultation.answered_at is not None:
        raise ValidationFailed(_("The consultation has been answered already."))
    answer = answer.strip()
    if not answer:
        raise ValidationFailed(_("An answer cannot be empty."))
    now = clock.now()
    note = Interaction.objects.create(
        request=request, direction=Direction.INTERNAL, visibility=Visibility.INTERNAL,
        channel="internal", author=by, text=answer, occurred_at=now,
    )  # fmt: skip
    consultation.answer, consultation.answered_by, consultation.answered_at = answer, by, now
    consultation.save(update_fields=["answer", "answered_by", "answered_at"])
    events.consultation_answered(request=request, centre=str(consultation.to_centre), by=by)
    still_asked = Consultation.objects.filter(
        request=request, to_centre=consultation.to_centre, answered_at__isnull=True
    ).exists()
    if not settings.VIK_CONSULTATION_KEEPS_ACCESS and not still_asked:
        RequestAccess.objects.filter(
            request=request, centre=consultation.to_centre, reason=AccessReason.CONSULTATION,
            revoked_at__isnull=True,
        ).update(revoked_at=now)  # fmt: skip
    if consultation.asked_by.is_active:
        notification_send(
            user=consultation.asked_by,
            kind=NotificationKind.CONSULTATION,
            text=_("%(centre)s answered your question about %(reference)s: %(answer)s")
            % {
                "centre": consultation.to_centre,
                "reference": request.reference,
                "answer": answer,
            },
            request=request,
        )
    return note


@transaction.atomic
def request_merge(*, source: Request, target: Request, by: StaffUser) -> Request:
    """Merge `source` into `target`: its interactions (with attachments), events and open
    consultations join the target's timeline, its Message-IDs thread into the target, and the
    source is closed as a pointer (`merged_into`). Returns the target."""
    if source.pk == target.pk:
        raise ValidationFailed(_("A request cannot be merged into itself."))
    if not permissions.can_merge_requests(by, source, target):
        raise PermissionDenied(_("You may not merge these requests."))
    # Both rows locked in one order, so that two merges of the same pair cannot cross.
    locked = {
        r.pk: r for r in Request.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    source, target = locked[source.pk], locked[target.pk]
    if target.merged_into_id is not None:
        raise ValidationFailed(
            _("%(reference)s was itself merged into another request.")
            % {"reference": target.reference}
        )
    if source.merged_into_id is not None:
        raise ValidationFailed(_("This request has been merged already."))
    now, old_status = clock.now(), source.status
    Interaction.objects.filter(request=source).update(request=target)
    TimelineEvent.objects.filter(request=source).update(request=target)
    MessageReference.objects.filter(request=source).update(request=target)
    Consultation.objects.filter(request=source, answered_at__isnull=True).update(request=target)
    RequestAccess.objects.filter(
        request=source, reason=AccessReason.CONSULTATION, revoked_at__isnull=True
    ).update(request=target)
    source.merged_into, source.status = target, Status.CLOSED
    source.closed_at, source.resolved_at = now, source.resolved_at or now
    source.save(update_fields=["merged_into", "status", "closed_at", "resolved_at", "updated_at"])
    latest = max(filter(None, [source.last_activity_at, target.last_activity_at]), default=None)
    if latest is not None and latest != target.last_activity_at:
        target.last_activity_at = latest
        target.save(update_fields=["last_activity_at", "updated_at"])
    events.merged(request=source, other=target.reference, role="source", by=by)
    if old_status != Status.CLOSED:
        events.status_changed(request=source, old=old_status, new=Status.CLOSED, by=by)
        request_sla_on_status(request=source, old=old_status, new=Status.CLOSED)
    events.merged(request=target, other=source.reference, role="target", by=by)
    return target


@transaction.atomic
def request_split(*, interaction: Interaction, by: StaffUser) -> Request:
    """Make one inbound message of a request a request of its own: same requester, centre,
    topic and municipality, linked back (`follow_up_of`); the message moves with its
    attachments, and replies to it thread into the new request."""
    source = interaction.request
    request_require_work(source, by)
    if interaction.direction != Direction.INBOUND or interaction.is_automatic:
        raise ValidationFailed(_("Only a message from the citizen can be split off."))
    if source.merged_into_id is not None:
        raise ValidationFailed(_("A merged request cannot be split."))
    others = source.interactions.filter(direction=Direction.INBOUND).exclude(pk=interaction.pk)
    if not others.exists():
        raise ValidationFailed(_("The request's only message cannot be split off."))
    subject = interaction.subject.strip() or _("Split from %(reference)s") % {
        "reference": source.reference
    }
    new = request_open(
        region=source.region, requester=source.requester, subject=subject,
        channel=interaction.channel, account=interaction.account, kind=source.kind,
        topic=source.topic, municipality=source.municipality, centre=source.centre,
        language=source.language, follow_up_of=source, opened_at=interaction.occurred_at,
    )  # fmt: skip
    if source.assignee_id is not None:
        new.assignee_id = source.assignee_id
        new.save(update_fields=["assignee", "updated_at"])
    Interaction.objects.filter(pk=interaction.pk).update(request=new)
    MessageReference.objects.filter(interaction_id=interaction.pk).update(request=new)
    events.split(request=source, other=new.reference, role="source", by=by)
    events.split(request=new, other=source.reference, role="new", by=by)
    return new
