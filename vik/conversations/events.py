"""One small constructor per timeline event; services call them, nothing infers them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vik.core import clock

from .choices import EventKind
from .models import Request, TimelineEvent

if TYPE_CHECKING:
    from vik.channels.core.hooks import DeliveryFailure
    from vik.tenancy.types import StaffUser


def _event(
    request: Request, kind: str, actor: StaffUser | None = None, **data: Any
) -> TimelineEvent:
    """`actor` None: VIK itself (intake, routing, the SLA sweep), shown without a name."""
    return TimelineEvent.objects.create(
        request=request, kind=kind, actor=actor, data=data, created_at=clock.now()
    )


def created(
    *, request: Request, channel: str, by: StaffUser | None = None, **extra: str
) -> TimelineEvent:
    """`by`: the clerk who recorded the request (a call, a visit, a letter); None when the
    citizen's own message opened it. `extra`: what the recording kept (`call`: the phone
    system's call id the request was opened from)."""
    return _event(request, EventKind.CREATED, by, channel=channel, **extra)


def status_changed(*, request: Request, old: str, new: str, by: StaffUser | None) -> TimelineEvent:
    """`by` None: VIK itself (the citizen's message that reopened the request)."""
    return _event(request, EventKind.STATUS_CHANGED, by, old=old, new=new)


def assigned(*, request: Request, assignee: StaffUser | None, by: StaffUser) -> TimelineEvent:
    name = assignee.display_name if assignee else ""
    return _event(request, EventKind.ASSIGNED, by, assignee=name)


def centre_changed(*, request: Request, old: str, new: str, by: StaffUser) -> TimelineEvent:
    return _event(request, EventKind.CENTRE_CHANGED, by, old=old, new=new)


def topic_changed(*, request: Request, old: str, new: str, by: StaffUser) -> TimelineEvent:
    return _event(request, EventKind.TOPIC_CHANGED, by, old=old, new=new)


def municipality_changed(*, request: Request, old: str, new: str, by: StaffUser) -> TimelineEvent:
    return _event(request, EventKind.MUNICIPALITY_CHANGED, by, old=old, new=new)


def citizen_wrote(*, request: Request, channel: str) -> TimelineEvent:
    return _event(request, EventKind.CITIZEN_WROTE, channel=channel)


def reopened(*, request: Request) -> TimelineEvent:
    return _event(request, EventKind.REOPENED)


def delivery_failed(*, request: Request, recipient: str, reason: str) -> TimelineEvent:
    return _event(request, EventKind.DELIVERY_FAILED, recipient=recipient, reason=reason)


def delivery_failure_record(failure: DeliveryFailure) -> TimelineEvent:
    """`delivery_failed` for a delivery the channel core reports did not arrive (registered
    with the core in `apps.py`; a bounce's report comes through `services.intake`)."""
    return delivery_failed(
        request=failure.request, recipient=failure.recipient, reason=failure.reason
    )


def replied(*, request: Request, by: StaffUser) -> TimelineEvent:
    return _event(request, EventKind.REPLIED, by)


def note_added(*, request: Request, by: StaffUser) -> TimelineEvent:
    return _event(request, EventKind.NOTE_ADDED, by)


def tags_changed(
    *, request: Request, added: list[str], removed: list[str], by: StaffUser | None
) -> TimelineEvent:
    """`by` None: VIK itself (the tags of the routing rules)."""
    return _event(request, EventKind.TAGS_CHANGED, by, added=added, removed=removed)


def transferred(
    *, request: Request, old: str, new: str, reason: str, by: StaffUser
) -> TimelineEvent:
    return _event(request, EventKind.TRANSFERRED, by, old=old, new=new, reason=reason)


def consultation_asked(
    *, request: Request, centre: str, question: str, by: StaffUser
) -> TimelineEvent:
    return _event(request, EventKind.CONSULTATION_ASKED, by, centre=centre, question=question)


def consultation_answered(*, request: Request, centre: str, by: StaffUser) -> TimelineEvent:
    return _event(request, EventKind.CONSULTATION_ANSWERED, by, centre=centre)


def merged(*, request: Request, other: str, role: str, by: StaffUser) -> TimelineEvent:
    """On both requests: `role` is "source" on the one merged away, "target" on the one kept;
    `other` is the other request's reference."""
    return _event(request, EventKind.MERGED, by, reference=other, role=role)


def split(*, request: Request, other: str, role: str, by: StaffUser) -> TimelineEvent:
    """On both requests: `role` is "source" on the one split, "new" on the one made of it."""
    return _event(request, EventKind.SPLIT, by, reference=other, role=role)


def sla_paused(*, request: Request) -> TimelineEvent:
    return _event(request, EventKind.SLA_PAUSED)


def sla_resumed(*, request: Request, paused_minutes: int) -> TimelineEvent:
    """`paused_minutes`: the working minutes the targets moved by."""
    return _event(request, EventKind.SLA_RESUMED, paused_minutes=paused_minutes)


def sla_warning(*, request: Request, target: str, due_at: str) -> TimelineEvent:
    """`target`: first_response, resolution or statutory; `due_at` in ISO format."""
    return _event(request, EventKind.SLA_WARNING, target=target, due_at=due_at)


def sla_breached(*, request: Request, target: str, due_at: str) -> TimelineEvent:
    return _event(request, EventKind.SLA_BREACHED, target=target, due_at=due_at)


def escalated(*, request: Request, actions: list[str]) -> TimelineEvent:
    """`actions`: what the policy did, of notify_lead, raise_priority, escalate_to_queue."""
    return _event(request, EventKind.ESCALATED, actions=actions)


def priority_changed(
    *, request: Request, old: int, new: int, by: StaffUser | None
) -> TimelineEvent:
    """`by` None: VIK itself (a missed deadline's escalation)."""
    return _event(request, EventKind.PRIORITY_CHANGED, by, old=old, new=new)


def queue_changed(*, request: Request, old: str, new: str, by: StaffUser | None) -> TimelineEvent:
    """`by` None: VIK itself (a missed deadline's escalation)."""
    return _event(request, EventKind.QUEUE_CHANGED, by, old=old, new=new)


def routed(*, request: Request, rules: list[dict[str, Any]]) -> TimelineEvent:
    """The routing rules that matched the new request (`[{"id": …, "name": …}]`)."""
    return _event(request, EventKind.ROUTED, rules=rules)


def statutory_extended(
    *,
    request: Request,
    days: int,
    reason: str,
    original_due_on: str,
    extended_due_on: str,
    channel: str,
    by: StaffUser,
) -> TimelineEvent:
    """The information request's deadline extended (§ 14(7) of Act 106/1999 Sb.): `reason` is an
    `ExtensionReason`, the days in ISO format, `channel` how the applicant was told."""
    return _event(
        request, EventKind.STATUTORY_EXTENDED, by, days=days, extension_reason=reason,
        original_due_on=original_due_on, extended_due_on=extended_due_on, channel=channel,
    )  # fmt: skip


def rated(*, request: Request, score: int, old: int | None) -> TimelineEvent:
    """The citizen rated how the request was handled (vik.satisfaction), or changed the rating
    (`old`: the score before); the score only: a comment may hold personal data."""
    return _event(request, EventKind.RATED, old=f"{old}/5" if old else "", new=f"{score}/5")
