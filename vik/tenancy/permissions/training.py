"""Who organises trainings and who sees training records.

A centre lead organises trainings for their centre; coordinators and administrators for every
centre of their region. Every member of staff sees their own record; a centre lead sees the
record of the people of their centres and the centre's overview; coordinators, administrators
and analysts see those of every centre of their region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..choices import Role
from ..models import Membership
from .scoping import has_region_role, scope_for

if TYPE_CHECKING:
    from ..types import Viewer

TRAINING_CENTRE_ROLES = {Role.CENTRE_LEAD}
TRAINING_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR}
TRAINING_OVERVIEW_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR, Role.ANALYST}


def can_organise_training(user: Viewer, *, region_id: int, centre_id: int | None) -> bool:
    """Create a training for this centre (None: for the region), invite, mark attendance and
    send its feedback form."""
    if has_region_role(user, region_id, TRAINING_REGION_ROLES):
        return True
    scope = scope_for(user)
    return centre_id is not None and bool(
        scope.centre_roles.get(centre_id, frozenset()) & TRAINING_CENTRE_ROLES
    )


def training_centres_organised(user: Viewer) -> tuple[set[int], set[int]] | None:
    """(regions, centres) the user organises trainings for; None: every one (superuser)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return None
    return scope.regions_with(TRAINING_REGION_ROLES), scope.centres_with(TRAINING_CENTRE_ROLES)


def can_organise_any_training(user: Viewer) -> bool:
    organised = training_centres_organised(user)
    return organised is None or bool(organised[0] or organised[1])


def can_view_centre_training(user: Viewer, *, region_id: int, centre_id: int) -> bool:
    """The centre's overview of who attended which training, and its people's records."""
    if has_region_role(user, region_id, TRAINING_OVERVIEW_REGION_ROLES):
        return True
    scope = scope_for(user)
    return bool(scope.centre_roles.get(centre_id, frozenset()) & TRAINING_CENTRE_ROLES)


def training_centres_overseen(user: Viewer) -> tuple[set[int], set[int]] | None:
    """(regions, centres) whose overviews the user sees; None: every one (superuser)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return None
    return scope.regions_with(TRAINING_OVERVIEW_REGION_ROLES), scope.centres_with(
        TRAINING_CENTRE_ROLES
    )


def can_view_training_record(user: Viewer, *, person_id: int) -> bool:
    """A person's training record: their own, or one of the people of a centre (or region)
    whose overview the user sees."""
    if getattr(user, "pk", None) == person_id and scope_for(user).is_member:
        return True
    return any(
        can_view_centre_training(user, region_id=region_id, centre_id=centre_id)
        for region_id, centre_id in Membership.objects.filter(
            user_id=person_id, centre__isnull=False
        ).values_list("region_id", "centre_id")
    )
