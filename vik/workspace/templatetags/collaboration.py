"""Template helpers of working together (`{% load collaboration %}`): the request page's macros,
mentions and presence, the header's bell. They read what the request page does not compute."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from vik.tenancy import permissions

from ..collaboration import selectors
from ..models import Macro

if TYPE_CHECKING:
    from vik.conversations.models import Request
    from vik.tenancy.types import StaffUser, Viewer

register = template.Library()


@register.simple_tag
def reply_macros(item: Request, user: StaffUser) -> list[Macro]:
    """`{% reply_macros item user as macros %}`: the macros offered on the request."""
    return selectors.macros_for_request(user=user, request=item)


@register.simple_tag
def last_interaction_id(timeline: Any) -> int:
    return selectors.last_interaction_id(timeline or ())


@register.filter
def manages_macros(user: Viewer) -> bool:
    return permissions.can_manage_any_macro(user)


@register.filter
def reads_audit_log(user: Viewer) -> bool:
    """The data-protection officer's link to the audit log (issue 14)."""
    return permissions.can_read_audit_log(user)


_UPPER = "A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ"
# A mention as the note shows it: a user name, or a full name of capitalised words
# ("@Jana Nováková", what the colleague buttons insert).
_MENTION_SHOWN = re.compile(rf"(?<![\w@.+-])@(?:[{_UPPER}][\w-]*(?: [{_UPPER}][\w-]*)+|[\w.+-]*\w)")


@register.filter
def mentions(text: str) -> SafeString:
    """The note's text with its @mentions marked (the text itself escaped)."""
    escaped = escape(text)
    return mark_safe(  # noqa: S308 — the text was escaped above; only <mark> is added
        _MENTION_SHOWN.sub(
            lambda m: f'<mark class="vik-mention" data-testid="mention">{m.group(0)}</mark>',
            escaped,
        )
    )
