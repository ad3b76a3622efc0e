"""Reading service level policies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Max, QuerySet

from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre

from .models import SlaPolicy

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def sla_centres(user: StaffUser) -> QuerySet[InformationCentre]:
    """The active centres whose policies the user sets."""
    return InformationCentre.objects.filter(
        permissions.sla_centres_managed(user), is_active=True
    ).order_by("name")


def sla_policy_list(user: StaffUser) -> QuerySet[SlaPolicy]:
    return (
        SlaPolicy.objects.filter(centre__in=sla_centres(user))
        .select_related("centre", "escalate_to_queue")
        .order_by("centre__name", "kind")
    )


def longest_warning_minutes() -> int:
    """The longest warning window of the active policies, in minutes (0: no policy)."""
    longest = SlaPolicy.objects.filter(is_active=True).aggregate(m=Max("warn_before_minutes"))
    return longest["m"] or 0
