"""Writing saved views of the request list: save the current filters, rename, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from vik.conversations.selectors import FILTER_PARAMETERS, SORTS
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region

from ..models import SavedView

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def saved_view_create(
    *,
    by: StaffUser,
    name: str,
    filters: Mapping[str, str],
    sort: str = "received",
    centre: InformationCentre | None = None,
    region: Region | None = None,
) -> SavedView:
    """Save the list's filters as a view: personal (no centre, no region) or shared with a
    centre or a region, which needs `permissions.can_share_view`."""
    name = " ".join(name.split())[:100]
    if not name:
        raise ValidationFailed(_("A view needs a name."))
    shared = centre is not None or region is not None
    # A centre's view is the centre's only, even when a region came along with it.
    region_id = region.pk if centre is None and region is not None else None
    if shared and not permissions.can_share_view(
        by, centre.pk if centre is not None else None, region_id
    ):
        raise PermissionDenied(_("You may not share views there."))
    kept = {key: str(filters[key]) for key in FILTER_PARAMETERS if filters.get(key)}
    last = SavedView.objects.filter(owner=None if shared else by).count()
    return SavedView.objects.create(
        name=name,
        owner=None if shared else by,
        centre=centre,
        region=region if centre is None else None,
        created_by=by,
        filters=kept,
        sort=sort if sort in SORTS else "received",
        position=last,
    )


def saved_view_rename(*, view: SavedView, by: StaffUser, name: str) -> SavedView:
    if not permissions.can_change_view(by, view):
        raise PermissionDenied(_("You may not change this view."))
    name = " ".join(name.split())[:100]
    if not name:
        raise ValidationFailed(_("A view needs a name."))
    view.name = name
    view.save(update_fields=["name"])
    return view


def saved_view_delete(*, view: SavedView, by: StaffUser) -> None:
    if not permissions.can_change_view(by, view):
        raise PermissionDenied(_("You may not delete this view."))
    view.delete()
