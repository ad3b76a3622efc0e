"""What the staff navigation offers a user: only the pages they may use."""

from __future__ import annotations

from typing import Any

from django import template

from vik.tenancy import permissions

register = template.Library()


@register.filter
def reviews_quarantine(user: Any) -> bool:
    return permissions.can_review_quarantine(user)
