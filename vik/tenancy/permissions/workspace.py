"""The clerk's workspace: canned answers (macros) and saved views of the request list.

Macros: a centre lead manages the macros of their centre; coordinators and administrators
manage the region's macros and those of every centre of the region. Whoever works a request is
offered the region's macros and those of the request's centre.

Saved views: a personal view is its owner's alone. A view shared with a centre is seen by every
member of the centre and shared by its leads or the region's coordinators and administrators; a
view shared with a region is seen by every member of the region and shared by its coordinators
and administrators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from ..choices import Role
from ..models import InformationCentre
from .requests import can_work_request
from .scoping import WORKING_REGION_ROLES, has_region_role, scope_filter, scope_for

if TYPE_CHECKING:
    from vik.conversations.models import Request

    from ..types import Viewer

MACRO_CENTRE_ROLES = {Role.CENTRE_LEAD}
SHARING_CENTRE_ROLES = {Role.CENTRE_LEAD}


def can_manage_macro(user: Viewer, *, region_id: int, centre_id: int | None) -> bool:
    """Create, change and delete a macro of this scope (a centre's, or the region's)."""
    scope = scope_for(user)
    if scope.is_superuser or has_region_role(user, region_id, WORKING_REGION_ROLES):
        return True
    if centre_id is None:
        return False
    return scope.centre_regions.get(centre_id) == region_id and bool(
        scope.centre_roles.get(centre_id, frozenset()) & MACRO_CENTRE_ROLES
    )


def macros_managed(user: Viewer) -> Q:
    """The filter on workspace.Macro for the macros the user manages."""
    return scope_filter(user, region_roles=WORKING_REGION_ROLES, centre_roles=MACRO_CENTRE_ROLES)


def can_manage_any_macro(user: Viewer) -> bool:
    """Whether the navigation offers the macros' management pages."""
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(WORKING_REGION_ROLES) or scope.centres_with(MACRO_CENTRE_ROLES)
    )


def macros_available(user: Viewer, request: Request) -> Q:
    """The filter on workspace.Macro for the active macros offered on `request`'s reply."""
    if not can_work_request(user, request):
        return Q(pk__in=[])
    return Q(is_active=True, region_id=request.region_id) & (
        Q(centre__isnull=True) | Q(centre_id=request.centre_id)
    )


def can_share_view(user: Viewer, centre_id: int | None, region_id: int | None) -> bool:
    """Whether the user may share a saved view with the centre (or with the whole region)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if centre_id is not None:
        if scope.centre_roles.get(centre_id, frozenset()) & SHARING_CENTRE_ROLES:
            return True
        centre_region = (
            InformationCentre.objects.filter(pk=centre_id)
            .values_list("region_id", flat=True)
            .first()
        )
        return centre_region is not None and has_region_role(
            user, centre_region, WORKING_REGION_ROLES
        )
    if region_id is not None:
        return has_region_role(user, region_id, WORKING_REGION_ROLES)
    return False


def saved_views_visible(user: Viewer) -> Q:
    """The filter on workspace.SavedView for the views the user has: their own and the ones
    shared with their centres and regions."""
    scope = scope_for(user)
    if not scope.is_member or not getattr(user, "pk", None):
        return Q(pk__in=[])
    return (
        Q(owner_id=user.pk)
        | Q(centre_id__in=sorted(scope.centre_roles))
        | Q(region_id__in=sorted(scope.region_ids))
    )


def can_change_view(user: Viewer, view: Any) -> bool:
    """Rename or delete a saved view: its owner, or who may share it where it is shared."""
    if view.owner_id is not None:
        return bool(view.owner_id == getattr(user, "pk", None))
    return can_share_view(user, view.centre_id, view.region_id)


def centres_to_share_views_with(user: Viewer) -> Q:
    """The filter on tenancy.InformationCentre for the centres the user may share views with."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q(is_active=True)
    leads = sorted(scope.centres_with(SHARING_CENTRE_ROLES))
    regions = sorted(scope.regions_with(WORKING_REGION_ROLES))
    if not (leads or regions):
        return Q(pk__in=[])
    return Q(is_active=True) & (Q(pk__in=leads) | Q(region_id__in=regions))


def regions_to_share_views_with(user: Viewer) -> list[int]:
    return sorted(scope_for(user).regions_with(WORKING_REGION_ROLES))


def reply_signature_centres(user: Viewer) -> set[int]:
    """The centres whose reply signature the user edits: those they lead."""
    return scope_for(user).centres_with(MACRO_CENTRE_ROLES)
