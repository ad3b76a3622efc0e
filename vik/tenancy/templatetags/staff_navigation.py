"""What the staff navigation offers a user: only the pages they may use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from vik.tenancy import permissions

if TYPE_CHECKING:
    from vik.tenancy.types import Viewer

register = template.Library()


@register.filter
def reviews_quarantine(user: Viewer) -> bool:
    return permissions.can_review_quarantine(user)


@register.filter
def edits_routing(user: Viewer) -> bool:
    return permissions.can_edit_any_routing(user)


@register.filter
def manages_sla(user: Viewer) -> bool:
    return permissions.can_manage_any_sla(user)
