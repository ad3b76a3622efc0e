"""Who sees and works the phone line's calls and call-backs.

A call or a call-back belongs to a centre (the one the call was routed to, or that answered it):
its agents, leads and knowledge editors see it, its agents and leads work it; the region's
coordinators and administrators see and work all of the region's, analysts see them. Who was
rung for a call or answered it also works it. Phone accounts' tokens are rotated by those who
manage the account (`channel_accounts_managed`)."""

from __future__ import annotations

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
    from ..types import Viewer


def calls_visible(user: Viewer) -> Q:
    """The filter on phone calls and call-backs (their `region_id` and `centre_id`)."""
    return scope_filter(user, region_roles=VIEWING_REGION_ROLES, centre_roles=VIEWING_CENTRE_ROLES)


def can_work_call(
    user: Viewer, *, region_id: int, centre_id: int | None, agent_id: int | None
) -> bool:
    """Whether the user records a call, or tries a call-back, of this region and centre."""
    scope = scope_for(user)
    if scope.is_superuser or (agent_id is not None and agent_id == getattr(user, "pk", None)):
        return True
    if scope.region_roles.get(region_id, frozenset()) & WORKING_REGION_ROLES:
        return True
    return bool(scope.centre_roles.get(centre_id or 0, frozenset()) & WORKING_CENTRE_ROLES)
