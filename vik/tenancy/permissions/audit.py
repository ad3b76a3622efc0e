"""Who reads the audit log: the data-protection officer of a region, and nobody else (issue 14).

The officer sees the events of their region's objects and the lists their region's staff
looked at (a list event has no object, so no region: it counts as the region of whoever read
it), on the audit log page and as "who saw this person's data" on a contact's page. They read
the region's contacts for that (`contacts_visible`), never the request queues' actions.
Coordinators, agents, analysts and even superusers do not get these pages (a superuser has the
admin's audit log, whose every page is itself audited).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ..choices import Role
from ..models import Membership
from .scoping import scope_for

if TYPE_CHECKING:
    from ..types import Viewer

DATA_PROTECTION_REGION_ROLES = {Role.DATA_PROTECTION_OFFICER}


def audit_regions(user: Viewer) -> set[int]:
    """The regions whose audit log the user reads."""
    return scope_for(user).regions_with(DATA_PROTECTION_REGION_ROLES)


def can_read_audit_log(user: Viewer) -> bool:
    return bool(audit_regions(user))


def can_see_data_access(user: Viewer, *, region_id: int) -> bool:
    """See who read a person's data ("who saw this person's data") of this region."""
    return region_id in audit_regions(user)


def audit_events_visible(user: Viewer) -> Q:
    """The filter on audit.AuditEvent for the events the user may read."""
    regions = sorted(audit_regions(user))
    if not regions:
        return Q(pk__in=[])
    staff_of_regions = Membership.objects.filter(region_id__in=regions).values("user_id")
    return Q(region_id__in=regions) | Q(region_id__isnull=True, actor_id__in=staff_of_regions)
