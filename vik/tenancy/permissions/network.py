"""The network of centres: moving and transferring a request to another centre of its region,
and consulting one about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from .requests import can_work_request
from .scoping import WORKING_CENTRE_ROLES, WORKING_REGION_ROLES, scope_filter, scope_for

if TYPE_CHECKING:
    from vik.conversations.models import Request

    from ..models import InformationCentre
    from ..types import Viewer


def can_move_request_to(user: Viewer, request: Request, centre: InformationCentre) -> bool:
    return (
        can_work_request(user, request)
        and centre.is_active
        and centre.region_id == request.region_id
    )


def can_transfer_request_to(user: Viewer, request: Request, centre: InformationCentre) -> bool:
    """Hand the request to another active centre of its region (any office)."""
    return can_move_request_to(user, request, centre) and centre.pk != request.centre_id


def can_consult(user: Viewer, request: Request, centre: InformationCentre) -> bool:
    """Ask another active centre of the region about a request one works."""
    return can_transfer_request_to(user, request, centre)


def can_answer_consultation(user: Viewer, *, centre_id: int, region_id: int) -> bool:
    """Answer a question asked of centre `centre_id`: its agents and leads, or the region's
    coordinators and administrators."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if scope.region_roles.get(region_id, frozenset()) & WORKING_REGION_ROLES:
        return True
    return bool(scope.centre_roles.get(centre_id, frozenset()) & WORKING_CENTRE_ROLES)


def consultations_answerable(user: Viewer) -> Q:
    """The filter on conversations.Consultation for the questions the user may answer."""
    return scope_filter(
        user,
        region_roles=WORKING_REGION_ROLES,
        centre_roles=WORKING_CENTRE_ROLES,
        region_field="request__region_id",
        centre_field="to_centre_id",
    )


def centres_to_move_to(user: Viewer) -> Q:
    """Centres a user may move requests into: every active centre of their regions."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q(is_active=True)
    return Q(is_active=True, region_id__in=sorted(scope.region_ids))
