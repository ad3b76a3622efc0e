"""Who composes and sends staff surveys and who reads their results.

Coordinators and administrators compose surveys for their regions, send their rounds to the
region's centres and read all results. Analysts of the region read all results. A centre lead
reads the results of their own centres' groups. Every member of staff answers their own
invitations. The results themselves show a group only with enough answers (surveys.selectors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..choices import Role
from .scoping import has_region_role, scope_for

if TYPE_CHECKING:
    from ..types import Viewer

SURVEY_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR}
SURVEY_RESULTS_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR, Role.ANALYST}
SURVEY_RESULTS_CENTRE_ROLES = {Role.CENTRE_LEAD}


def survey_regions_composed(user: Viewer) -> set[int] | None:
    """The regions whose surveys the user composes and sends; None: every region (superuser)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return None
    return scope.regions_with(SURVEY_REGION_ROLES)


def can_compose_any_survey(user: Viewer) -> bool:
    regions = survey_regions_composed(user)
    return regions is None or bool(regions)


def can_compose_survey(user: Viewer, *, region_id: int) -> bool:
    """Write, send, remind and close the surveys of this region."""
    return has_region_role(user, region_id, SURVEY_REGION_ROLES)


def survey_results_scope(user: Viewer, *, region_id: int) -> tuple[bool, set[int]]:
    """What the user reads of the results of a survey of this region: (every group, or only
    the groups of these centres). (False, empty): nothing."""
    if has_region_role(user, region_id, SURVEY_RESULTS_REGION_ROLES):
        return True, set()
    scope = scope_for(user)
    centres = {
        centre
        for centre in scope.centres_with(SURVEY_RESULTS_CENTRE_ROLES)
        if scope.centre_regions.get(centre) == region_id
    }
    return False, centres


def can_view_survey_results(user: Viewer, *, region_id: int) -> bool:
    every, centres = survey_results_scope(user, region_id=region_id)
    return every or bool(centres)


def can_view_any_survey_results(user: Viewer) -> bool:
    scope = scope_for(user)
    return (
        scope.is_superuser
        or bool(scope.regions_with(SURVEY_RESULTS_REGION_ROLES))
        or bool(scope.centres_with(SURVEY_RESULTS_CENTRE_ROLES))
    )


def survey_result_regions(user: Viewer) -> set[int] | None:
    """The regions of the surveys whose results the user reads (all or some groups); None:
    every region."""
    scope = scope_for(user)
    if scope.is_superuser:
        return None
    regions = scope.regions_with(SURVEY_RESULTS_REGION_ROLES)
    regions |= {
        scope.centre_regions[centre]
        for centre in scope.centres_with(SURVEY_RESULTS_CENTRE_ROLES)
        if centre in scope.centre_regions
    }
    return regions
