"""The staff navigation's entry of trainings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from vik.tenancy import permissions

if TYPE_CHECKING:
    from vik.tenancy.types import Viewer

register = template.Library()


@register.filter
def sees_trainings(user: Viewer) -> bool:
    """Every member of staff has a training record."""
    return permissions.is_staff_member(user)
