"""Deadlines on the request page and in the request list: `{% load sla %}`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import template
from django.utils.translation import gettext as _

from vik.core import clock

from .. import services
from ..durations import working_minutes_text

if TYPE_CHECKING:
    from vik.conversations.models import Request

register = template.Library()


def duration_text(delta: dt.timedelta) -> str:
    """A rounded-down, short length of time: "45 min", "3 h 20 min", "2 d 4 h"."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


@register.filter
def working_time(minutes: int | None) -> str:
    """A policy's working minutes in words: 480 → "1 pracovní den", 90 → "1 h 30 min"."""
    return "—" if minutes is None else working_minutes_text(minutes)


def _left(due: dt.datetime, now: dt.datetime) -> str:
    if due >= now:
        return duration_text(due - now)
    return _("overdue by %(time)s") % {"time": duration_text(now - due)}


@register.filter
def time_left(item: services.RequestClock) -> str:
    """Time to the request's nearest deadline: "2 h 10 min", "overdue by 1 d", "paused", "—"."""
    due = getattr(item, "due_at", None)
    if (
        due is None
        and getattr(item, "sla_paused_at", None) is not None
        and item.status not in (services.CLOSED_STATUSES)
    ):
        return _("paused")
    if due is None:
        return "—"
    return _left(due, clock.now())


@dataclass(frozen=True)
class Target:
    key: str  # first-response, resolution (for data-testid)
    label: str
    due_at: dt.datetime
    met_at: dt.datetime | None
    is_overdue: bool
    text: str  # "in 3 h 20 min", "overdue by 2 h", or how it was met

    @property
    def state(self) -> str:
        if self.met_at is not None:
            return "met" if self.met_at <= self.due_at else "missed"
        return "overdue" if self.is_overdue else "open"


def _target(
    key: str, label: str, due: dt.datetime | None, met: dt.datetime | None, paused: bool
) -> Target | None:
    if due is None:
        return None
    now = clock.now()
    if met is not None:
        text = (
            _("met") if met <= due else _("missed by %(time)s") % {"time": duration_text(met - due)}
        )
        return Target(key, label, due, met, False, text)
    if paused:
        return Target(key, label, due, None, False, _("paused"))
    if due < now:
        return Target(key, label, due, None, True, _left(due, now))
    return Target(
        key, label, due, None, False, _("in %(time)s") % {"time": duration_text(due - now)}
    )


@register.simple_tag
def request_deadlines(item: Request) -> dict[str, Any]:
    """What `sla/_request_deadlines.html` shows of a request."""
    paused = item.sla_paused_at is not None
    closed = item.status in services.CLOSED_STATUSES
    resolved = (item.resolved_at or item.closed_at) if closed else None
    targets = [
        t
        for t in (
            _target(
                "first-response",
                _("First response"),
                item.first_response_due_at,
                item.first_response_at,
                paused,
            ),
            _target("resolution", _("Resolution"), item.resolution_due_at, resolved, paused),
        )
        if t is not None
    ]
    statutory = item.statutory_due_on
    statutory_overdue = bool(statutory and not closed and statutory < clock.today())
    return {
        "targets": targets,
        "paused_at": item.sla_paused_at if paused and not closed else None,
        "statutory_due_on": statutory,
        "statutory_overdue": statutory_overdue,
        "shown": bool(targets or statutory),
    }
