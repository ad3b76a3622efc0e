"""What the staff navigation offers a user: only the pages they may use."""

from __future__ import annotations

from typing import Any

from django import template

from vik.tenancy import permissions

register = template.Library()


@register.filter
def reviews_quarantine(user: Any) -> bool:
    return permissions.can_review_quarantine(user)


@register.filter
def edits_routing(user: Any) -> bool:
    return permissions.can_edit_any_routing(user)


@register.filter
def manages_sla(user: Any) -> bool:
    return permissions.can_manage_any_sla(user)
