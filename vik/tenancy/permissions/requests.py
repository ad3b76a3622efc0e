"""Who sees and who works a request, and whom a request may be assigned to."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from django.db.models import Q

from .scoping import (
    VIEWING_CENTRE_ROLES,
    VIEWING_REGION_ROLES,
    WORKING_CENTRE_ROLES,
    WORKING_REGION_ROLES,
    scope_filter,
    scope_for,
)

if TYPE_CHECKING:
    from vik.conversations.models import Request

    from ..types import StaffUser, Viewer

ReadGrants = Callable[[Sequence[int]], Iterable[int]]
"""`provider(centre_ids)`: the ids of the requests these centres may read though they do not
hold them, in ascending order, each once."""

_read_grants: ReadGrants | None = None


def register_read_grants(provider: ReadGrants) -> None:
    """Tell the checks where read grants are kept. Conversations keeps them
    (`conversations.RequestAccess`, a floor above this one) and registers the provider from its
    `AppConfig.ready`; the rule that a grant lets a centre read a request, never work it, stays
    here with the other checks. Without a provider no centre holds a grant."""
    global _read_grants
    _read_grants = provider


def requests_visible(user: Viewer) -> Q:
    """The filter on conversations.Request for everything the user may see."""
    visible = scope_filter(
        user, region_roles=VIEWING_REGION_ROLES, centre_roles=VIEWING_CENTRE_ROLES
    )
    scope = scope_for(user)
    if scope.is_superuser:
        return visible
    centres = scope.centres_with(VIEWING_CENTRE_ROLES)
    granted = _requests_granted(user, centres) if centres else []
    if granted:
        visible |= Q(pk__in=granted)
    return visible


def requests_visible_parts(user: Viewer) -> list[Q]:
    """`requests_visible` as the filters it is the union of (a region's, the centres', the
    grants'), for a list that reads each part on its own index: an OR across them cannot walk
    the (centre, due_at, id) or (region, -created_at, -id) index in order. Empty for a
    superuser (no filter at all) and for a user who sees nothing."""
    scope = scope_for(user)
    if scope.is_superuser:
        return []
    regions = scope.regions_with(VIEWING_REGION_ROLES)
    centres = scope.centres_with(VIEWING_CENTRE_ROLES)
    parts = []
    if regions:
        parts.append(Q(region_id__in=sorted(regions)))
    if centres:
        parts.append(Q(centre_id__in=sorted(centres)))
        granted = _requests_granted(user, centres)
        if granted:
            parts.append(Q(pk__in=granted))
    return parts


def _requests_granted(user: Viewer, centres: set[int]) -> list[int]:
    """The ids of requests other centres let these centres read (a transfer, a consultation),
    read once per HTTP request like the scope. A literal list, not a subquery: OR-ed with a
    subquery PostgreSQL can no longer use the centre's index of a million requests, while
    a short list joins it as a second index scan; and a centre without grants (most) adds
    nothing to the filter."""
    cached: dict[tuple[int, ...], list[int]] = user.__dict__.setdefault("_vik_granted", {})
    key = tuple(sorted(centres))
    if key not in cached:
        cached[key] = list(_read_grants(key)) if _read_grants is not None else []
    return cached[key]


def can_view_request(user: Viewer, request: Request) -> bool:
    """See `requests_visible`; a centre's read grant (`RequestAccess`) lets it read, never work."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if scope.region_roles.get(request.region_id, frozenset()) & VIEWING_REGION_ROLES:
        return True
    if scope.centre_roles.get(request.centre_id or 0, frozenset()) & VIEWING_CENTRE_ROLES:
        return True
    centres = scope.centres_with(VIEWING_CENTRE_ROLES)
    return bool(centres) and request.pk in _requests_granted(user, centres)


def can_work_request(user: Viewer, request: Request) -> bool:
    """Reply, note, change status / assignee / topic / centre."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if scope.region_roles.get(request.region_id, frozenset()) & WORKING_REGION_ROLES:
        return True
    return bool(scope.centre_roles.get(request.centre_id or 0, frozenset()) & WORKING_CENTRE_ROLES)


def can_extend_statutory_deadline(user: Viewer, request: Request) -> bool:
    """Extend an information request's statutory deadline (§ 14(7) of Act 106/1999 Sb.):
    whoever may change the request's status."""
    return can_work_request(user, request)


def can_merge_requests(user: Viewer, source: Request, target: Request) -> bool:
    """Merge one request into another: both of one region, and the user works both."""
    return (
        source.region_id == target.region_id
        and can_work_request(user, source)
        and can_work_request(user, target)
    )


def can_be_assigned(assignee: StaffUser, request: Request) -> bool:
    """Whether `assignee` may hold `request`: an agent or lead of its centre, or a coordinator."""
    scope = scope_for(assignee)
    if scope.region_roles.get(request.region_id, frozenset()) & WORKING_REGION_ROLES:
        return True
    return bool(scope.centre_roles.get(request.centre_id or 0, frozenset()) & WORKING_CENTRE_ROLES)


def centres_visible(user: Viewer) -> Q:
    """The filter on tenancy.InformationCentre for the centre chooser and list filters."""
    return scope_filter(
        user,
        region_roles=VIEWING_REGION_ROLES,
        centre_roles=VIEWING_CENTRE_ROLES,
        centre_field="pk",
    )


def member_centres(user: Viewer) -> list[int] | None:
    """The centres the user works in ("my centres"), or None for a user with no centre (a
    coordinator, a superuser): the whole of what they may see is theirs."""
    centres = scope_for(user).centres_with(VIEWING_CENTRE_ROLES)
    return sorted(centres) if centres else None


def centres_recording(user: Viewer) -> Q:
    """The filter on tenancy.InformationCentre for the centres the user may record a request
    for (a call, a visit, a letter): those whose requests they work; never an analyst's."""
    return scope_filter(
        user,
        region_roles=WORKING_REGION_ROLES,
        centre_roles=WORKING_CENTRE_ROLES,
        centre_field="pk",
    )


def can_record_request(user: Viewer, *, centre_id: int, region_id: int) -> bool:
    """Record a request a person brought in (`/staff/requests/new/`) for this centre: its agents
    and leads, the region's coordinators and administrators."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if scope.region_roles.get(region_id, frozenset()) & WORKING_REGION_ROLES:
        return True
    return bool(scope.centre_roles.get(centre_id, frozenset()) & WORKING_CENTRE_ROLES)


def can_record_any_request(user: Viewer) -> bool:
    scope = scope_for(user)
    return (
        scope.is_superuser
        or bool(scope.regions_with(WORKING_REGION_ROLES))
        or bool(scope.centres_with(WORKING_CENTRE_ROLES))
    )


def can_give_receipt(user: Viewer, request: Request, *, recorded_by_id: int | None) -> bool:
    """Print or send the receipt of a recorded request (its reference and tracking link): whoever
    sees the request, and the clerk who recorded it even when routing moved it elsewhere."""
    if can_view_request(user, request):
        return True
    return recorded_by_id is not None and getattr(user, "pk", None) == recorded_by_id
