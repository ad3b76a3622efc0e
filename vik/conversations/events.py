"""One small constructor per timeline event; services call them, nothing infers them."""

from __future__ import annotations

from typing import Any

from vik.core import clock

from .choices import EventKind
from .models import Request, TimelineEvent


def _event(request: Request, kind: str, actor: Any = None, **data: Any) -> TimelineEvent:
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return TimelineEvent.objects.create(
        request=request, kind=kind, actor=actor, data=data, created_at=clock.now()
    )


def created(*, request: Request, channel: str) -> TimelineEvent:
    return _event(request, EventKind.CREATED, channel=channel)


def status_changed(*, request: Request, old: str, new: str, by: Any) -> TimelineEvent:
    return _event(request, EventKind.STATUS_CHANGED, by, old=old, new=new)


def assigned(*, request: Request, assignee: Any, by: Any) -> TimelineEvent:
    name = assignee.display_name if assignee else ""
    return _event(request, EventKind.ASSIGNED, by, assignee=name)


def centre_changed(*, request: Request, old: str, new: str, by: Any) -> TimelineEvent:
    return _event(request, EventKind.CENTRE_CHANGED, by, old=old, new=new)


def topic_changed(*, request: Request, old: str, new: str, by: Any) -> TimelineEvent:
    return _event(request, EventKind.TOPIC_CHANGED, by, old=old, new=new)


def citizen_wrote(*, request: Request, channel: str) -> TimelineEvent:
    return _event(request, EventKind.CITIZEN_WROTE, channel=channel)


def reopened(*, request: Request) -> TimelineEvent:
    return _event(request, EventKind.REOPENED)


def delivery_failed(*, request: Request, recipient: str, reason: str) -> TimelineEvent:
    return _event(request, EventKind.DELIVERY_FAILED, recipient=recipient, reason=reason)


def replied(*, request: Request, by: Any) -> TimelineEvent:
    return _event(request, EventKind.REPLIED, by)


def note_added(*, request: Request, by: Any) -> TimelineEvent:
    return _event(request, EventKind.NOTE_ADDED, by)


def tags_changed(
    *, request: Request, added: list[str], removed: list[str], by: Any
) -> TimelineEvent:
    return _event(request, EventKind.TAGS_CHANGED, by, added=added, removed=removed)
