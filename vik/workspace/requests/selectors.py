"""Reading what the request list offers besides its rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from vik.conversations.choices import Status
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre, User

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

WORKING_CENTRE = permissions.WORKING_CENTRE_ROLES
WORKING_REGION = permissions.WORKING_REGION_ROLES


@dataclass(frozen=True)
class BulkChoices:
    """What the list's action bar offers."""

    assignees: list[User]
    statuses: list[tuple[str, str]]
    centres: list[InformationCentre]


def bulk_choices(user: StaffUser) -> BulkChoices:
    """Colleagues of the user's centres (and the region's coordinators), the statuses, and the
    centres requests may be transferred to (two queries)."""
    scope = permissions.scope_for(user)
    centres = permissions.member_centres(user) or []
    colleagues = (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__centre_id__in=centres, memberships__role__in=sorted(WORKING_CENTRE))
            | Q(
                memberships__region_id__in=sorted(scope.region_ids),
                memberships__centre__isnull=True,
                memberships__role__in=sorted(WORKING_REGION),
            )
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    return BulkChoices(
        assignees=list(colleagues),
        statuses=[(str(value), str(label)) for value, label in Status.choices],
        centres=list(
            InformationCentre.objects.filter(permissions.centres_to_move_to(user)).only(
                "pk", "name"
            )
        ),
    )
