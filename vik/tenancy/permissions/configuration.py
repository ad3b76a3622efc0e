"""Who configures a centre or a region: the quarantine of its channel accounts, its service
levels, its routing rules and queues, its public portal's identity, and who marks whom absent.

Channel accounts: centre leads review the quarantine of their centre's accounts, coordinators
and administrators that of the whole region. Service levels: a centre's SLA policies are set by
its centre lead, and by the coordinators and administrators of its region. Routing: a region's
routing rules are edited by its coordinators and administrators; a centre's queues and
assignment policy also by the centre's lead. Absence: everybody marks themselves, a centre lead
marks the agents of their centre, coordinators and administrators anybody of the region.
Portal: a region's portal identity (name, logo, colour, the texts the law requires) is edited by
its coordinators and administrators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ..choices import Role
from .scoping import WORKING_REGION_ROLES, has_region_role, scope_filter, scope_for

if TYPE_CHECKING:
    from ..models import InformationCentre
    from ..types import StaffUser, Viewer

MANAGING_CENTRE_ROLES = {Role.CENTRE_LEAD}
SLA_MANAGING_CENTRE_ROLES = {Role.CENTRE_LEAD}
ROUTING_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR}


# Channels ------------------------------------------------------------------------------------


def channel_accounts_managed(user: Viewer) -> Q:
    """The filter on channels.ChannelAccount whose quarantine the user may review: centre leads
    for their centre's accounts, coordinators and administrators for the whole region."""
    return scope_filter(user, region_roles=WORKING_REGION_ROLES, centre_roles=MANAGING_CENTRE_ROLES)


def can_review_quarantine(user: Viewer) -> bool:
    """Whether the user reviews any channel account's quarantine (the navigation shows it)."""
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(WORKING_REGION_ROLES) or scope.centres_with(MANAGING_CENTRE_ROLES)
    )


# Service levels ------------------------------------------------------------------------------


def can_manage_sla(user: Viewer, centre: InformationCentre) -> bool:
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if scope.region_roles.get(centre.region_id, frozenset()) & WORKING_REGION_ROLES:
        return True
    return bool(scope.centre_roles.get(centre.pk, frozenset()) & SLA_MANAGING_CENTRE_ROLES)


def sla_centres_managed(user: Viewer) -> Q:
    """The filter on tenancy.InformationCentre whose SLA policies the user may set."""
    return scope_filter(
        user,
        region_roles=WORKING_REGION_ROLES,
        centre_roles=SLA_MANAGING_CENTRE_ROLES,
        centre_field="pk",
    )


def can_manage_any_sla(user: Viewer) -> bool:
    """Whether the navigation offers the SLA policy page."""
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(WORKING_REGION_ROLES) or scope.centres_with(SLA_MANAGING_CENTRE_ROLES)
    )


# Routing -------------------------------------------------------------------------------------


def can_edit_routing(user: Viewer, region_id: int) -> bool:
    return has_region_role(user, region_id, ROUTING_REGION_ROLES)


def routing_regions_edited(user: Viewer) -> Q:
    """The filter on territory.Region for the regions whose routing rules the user edits."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    return Q(pk__in=sorted(scope.regions_with(ROUTING_REGION_ROLES)))


def can_edit_any_routing(user: Viewer) -> bool:
    """Whether the navigation offers the routing pages (rules or queues)."""
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(ROUTING_REGION_ROLES) or scope.centres_with(MANAGING_CENTRE_ROLES)
    )


def queues_managed(user: Viewer) -> Q:
    """The filter on tenancy.InformationCentre whose queues and assignment policy the user
    manages."""
    return scope_filter(
        user,
        region_roles=ROUTING_REGION_ROLES,
        centre_roles=MANAGING_CENTRE_ROLES,
        centre_field="pk",
    )


def can_manage_queues(user: Viewer, centre: InformationCentre) -> bool:
    scope = scope_for(user)
    return (
        scope.is_superuser
        or bool(scope.centre_roles.get(centre.pk, frozenset()) & MANAGING_CENTRE_ROLES)
        or can_edit_routing(user, centre.region_id)
    )


def can_mark_absent(user: Viewer, person: StaffUser) -> bool:
    scope = scope_for(user)
    if not scope.is_member:
        return False
    if scope.is_superuser or user.pk == person.pk:
        return True
    theirs = scope_for(person)
    led = scope.centres_with(MANAGING_CENTRE_ROLES)
    if led & set(theirs.centre_roles):
        return True
    return bool(scope.regions_with(ROUTING_REGION_ROLES) & theirs.region_ids)


# The public portal -------------------------------------------------------------------------


PORTAL_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR}


def can_edit_portal(user: Viewer, region_id: int) -> bool:
    return has_region_role(user, region_id, PORTAL_REGION_ROLES)


def portal_regions_edited(user: Viewer) -> Q:
    """The filter on territory.Region whose portal identity the user edits."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    return Q(pk__in=sorted(scope.regions_with(PORTAL_REGION_ROLES)))


def can_edit_any_portal(user: Viewer) -> bool:
    """Whether the navigation offers the portal identity page."""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.regions_with(PORTAL_REGION_ROLES))
