"""The request list's views and rows: `{% load saved_views %}`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from vik.core import clock

from ..saved_views.selectors import COUNT_CAP

if TYPE_CHECKING:
    from vik.conversations.models import Request

register = template.Library()


@register.filter
def capped_count(count: int | None) -> str:
    """A view's count as shown on its tab: "12", "999+" at the cap, "–" when not counted."""
    if count is None:
        return "–"
    if count >= COUNT_CAP:
        return f"{COUNT_CAP - 1}+"
    return str(count)


@register.filter
def is_overdue(item: Request) -> bool:
    """Whether the request's nearest deadline has passed (and its clock is not paused)."""
    due = getattr(item, "due_at", None)
    return due is not None and item.sla_paused_at is None and due < clock.now()
