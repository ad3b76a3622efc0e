"""The staff navigation's entries of surveys and trainings: the surveys awaiting the user's
answer are counted on the link, so that an invitation is seen without opening the bell."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from vik.tenancy import permissions

from .. import selectors

if TYPE_CHECKING:
    from vik.tenancy.types import Viewer

register = template.Library()


@register.filter
def surveys_awaiting(user: Viewer) -> int:
    if not permissions.is_staff_member(user):
        return 0
    return selectors.invitations_open_count(user=user)  # type: ignore[arg-type]
