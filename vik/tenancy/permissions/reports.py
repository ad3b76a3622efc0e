"""Who reads which reports (`/staff/reports/`) and how much of the region they show.

An agent sees their own work (the requests assigned to them in their centres); a centre lead
their centres; region coordinators, analysts and administrators their whole region (a
superuser any region). Nobody else: a data-protection officer or a knowledge editor without
one of those roles sees no report. A member of several regions chooses one at a time.

Reports compute what they are asked within the `ReportAccess` returned here; a filter that
asks for a centre outside it is narrowed to nothing by the reports' form, never widened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vik.territory.models import Region

from ..choices import Role
from .scoping import scope_for

if TYPE_CHECKING:
    from ..types import Viewer

REPORT_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ANALYST, Role.ADMINISTRATOR}
REPORT_LEAD_ROLES = {Role.CENTRE_LEAD}
REPORT_AGENT_ROLES = {Role.AGENT}


@dataclass(frozen=True)
class ReportAccess:
    """What a user's reports of one region may show: every centre (`centre_ids` None) or
    some; with `agent_id`, only the requests assigned to that agent."""

    region_id: int
    centre_ids: frozenset[int] | None = None
    agent_id: int | None = None

    @property
    def is_own_work(self) -> bool:
        return self.agent_id is not None

    @property
    def sees_data_access_counts(self) -> bool:
        """The audit report's counts of personal-data reads (by kind, centre and role, never
        by person) are the region's audit figures: shown to whoever reads the whole region
        (coordinators, analysts); who read whose data stays the data-protection officer's."""
        return self.centre_ids is None and self.agent_id is None


def report_regions(user: Viewer) -> list[int]:
    """The regions whose reports the user may read, in id order (empty: no reports)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return list(Region.objects.order_by("pk").values_list("pk", flat=True))
    regions = scope.regions_with(REPORT_REGION_ROLES)
    for centre in scope.centres_with(REPORT_LEAD_ROLES | REPORT_AGENT_ROLES):
        regions.add(scope.centre_regions[centre])
    return sorted(regions)


def can_view_reports(user: Viewer) -> bool:
    return bool(report_regions(user))


def report_access(user: Viewer, region_id: int) -> ReportAccess | None:
    """The user's reach in the region's reports, or None when they read none of it. A lead of
    one centre who is an agent of another sees the centres they lead."""
    scope = scope_for(user)
    if scope.is_superuser or region_id in scope.regions_with(REPORT_REGION_ROLES):
        return ReportAccess(region_id=region_id)
    in_region = {c for c, r in scope.centre_regions.items() if r == region_id}
    led = frozenset(in_region & scope.centres_with(REPORT_LEAD_ROLES))
    if led:
        return ReportAccess(region_id=region_id, centre_ids=led)
    worked = frozenset(in_region & scope.centres_with(REPORT_AGENT_ROLES))
    if worked:
        return ReportAccess(region_id=region_id, centre_ids=worked, agent_id=user.pk)
    return None


def can_open_report(access: ReportAccess | None, *, for_agents: bool) -> bool:
    """A report meant for those who see at least a whole centre is refused to an agent."""
    return access is not None and (for_agents or not access.is_own_work)
