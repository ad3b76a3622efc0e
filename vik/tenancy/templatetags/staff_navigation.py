"""What the staff navigation offers a user: only the pages they may use; the session limits
the idle warning counts with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.conf import settings
from django.utils.translation import get_language

from vik.tenancy import permissions

if TYPE_CHECKING:
    from vik.tenancy.types import Viewer

register = template.Library()


@register.filter
def navigation_key(user: Viewer) -> tuple[object, ...]:
    """What the navigation shows depends on (`{% kept %}`): whether the user is signed in,
    their scope (every link's permission is read from it), name, absence and the language."""
    if not getattr(user, "is_authenticated", False):
        return (False, get_language())
    return (
        True,
        user.pk,
        permissions.scope_for(user).key,
        user.is_superuser,
        user.is_active,
        getattr(user, "display_name", ""),
        getattr(user, "is_absent", False),
        get_language(),
    )


@register.filter
def reviews_quarantine(user: Viewer) -> bool:
    return permissions.can_review_quarantine(user)


@register.filter
def edits_routing(user: Viewer) -> bool:
    return permissions.can_edit_any_routing(user)


@register.filter
def manages_sla(user: Viewer) -> bool:
    return permissions.can_manage_any_sla(user)


@register.filter
def manages_lockouts(user: Viewer) -> bool:
    return permissions.can_manage_lockouts(user)


@register.filter
def records_requests(user: Viewer) -> bool:
    """Records requests a person brought in (`staff:request_new`) and keeps a visit log."""
    return permissions.can_record_any_request(user)


@register.filter
def reads_reports(user: Viewer) -> bool:
    """Reads the reports (`staff:report_index`): agents, leads, coordinators, analysts."""
    return permissions.can_view_reports(user)


@register.filter
def follows_up_ratings(user: Viewer) -> bool:
    """Sees the list of dissatisfied citizens' ratings (vik.satisfaction)."""
    return permissions.can_see_follow_up_list(user)


@register.simple_tag
def session_seconds(which: str) -> int:
    """The idle timeout or the warning before it, in seconds, for the idle warning."""
    minutes = {
        "idle": settings.VIK_SESSION_IDLE_MINUTES,
        "warning": settings.VIK_SESSION_WARNING_MINUTES,
    }[which]
    return int(minutes * 60)


@register.filter
def edits_portal(user: Viewer) -> bool:
    """Edits a region's portal identity (`staff:portal_identity`): coordinators, administrators."""
    return permissions.can_edit_any_portal(user)
