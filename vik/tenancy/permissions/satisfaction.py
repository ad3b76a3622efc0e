"""Who sees citizens' satisfaction ratings, and who follows up the dissatisfied ones.

A rating's comment may hold personal data, so it is shown to fewer people than the request:
the agents and leads of the request's centre, and the region's coordinators, administrators and
analysts (not a knowledge editor, nor a centre that was only consulted). The follow-up list of
dissatisfied ratings (1–2) is the centre leads' for their centres, and the coordinators',
administrators' and analysts' for their region; an analyst reads it, the others mark a rating
followed up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ..choices import Role
from .scoping import scope_filter, scope_for

if TYPE_CHECKING:
    from ..types import Viewer

RATING_CENTRE_ROLES = {Role.AGENT, Role.CENTRE_LEAD}
RATING_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR, Role.ANALYST}
FOLLOW_UP_CENTRE_ROLES = {Role.CENTRE_LEAD}
FOLLOW_UP_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR}
FOLLOW_UP_LIST_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR, Role.ANALYST}


def _holds(
    user: Viewer, *, region_id: int, centre_id: int | None, region_roles: set[Role],
    centre_roles: set[Role],
) -> bool:  # fmt: skip
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if scope.region_roles.get(region_id, frozenset()) & region_roles:
        return True
    return bool(scope.centre_roles.get(centre_id or 0, frozenset()) & centre_roles)


def can_view_rating(user: Viewer, *, region_id: int, centre_id: int | None) -> bool:
    """Whether the user sees the rating (and its comment) of a request of this region and
    centre, on the request page."""
    return _holds(
        user, region_id=region_id, centre_id=centre_id,
        region_roles=RATING_REGION_ROLES, centre_roles=RATING_CENTRE_ROLES,
    )  # fmt: skip


def ratings_follow_up_visible(user: Viewer) -> Q:
    """The filter on ratings (through their request's region and centre) for the follow-up
    list."""
    return scope_filter(
        user, region_roles=FOLLOW_UP_LIST_REGION_ROLES, centre_roles=FOLLOW_UP_CENTRE_ROLES,
        region_field="request__region_id", centre_field="request__centre_id",
    )  # fmt: skip


def follow_up_centres_visible(user: Viewer) -> Q:
    """The filter on information centres whose follow-up lists the user sees."""
    return scope_filter(
        user, region_roles=FOLLOW_UP_LIST_REGION_ROLES, centre_roles=FOLLOW_UP_CENTRE_ROLES,
        centre_field="pk",
    )  # fmt: skip


def can_see_follow_up_list(user: Viewer) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(FOLLOW_UP_LIST_REGION_ROLES)
        or scope.centres_with(FOLLOW_UP_CENTRE_ROLES)
    )


def can_follow_up_rating(user: Viewer, *, region_id: int, centre_id: int | None) -> bool:
    """Whether the user marks a dissatisfied rating of this region and centre followed up."""
    return _holds(
        user, region_id=region_id, centre_id=centre_id,
        region_roles=FOLLOW_UP_REGION_ROLES, centre_roles=FOLLOW_UP_CENTRE_ROLES,
    )  # fmt: skip
