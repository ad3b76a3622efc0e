"""Writing saved views of the request list: save the current filters, rename, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from vik.conversations.selectors import FILTER_PARAMETERS, SORTS
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.tenancy import permissions

from ..models import SavedView


def saved_view_create(
    *,
    by: Any,
    name: str,
    filters: Mapping[str, str],
    sort: str = "received",
    centre: Any = None,
    region: Any = None,
) -> Any:
    """Save the list's filters as a view: personal (no centre, no region) or shared with a
    centre or a region, which needs `permissions.can_share_view`."""
    name = " ".join(name.split())[:100]
    if not name:
        raise ValidationFailed(_("A view needs a name."))
    shared = centre is not None or region is not None
    if shared and not permissions.can_share_view(
        by, getattr(centre, "pk", None), None if centre is not None else region.pk
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


def saved_view_rename(*, view: Any, by: Any, name: str) -> Any:
    if not permissions.can_change_view(by, view):
        raise PermissionDenied(_("You may not change this view."))
    name = " ".join(name.split())[:100]
    if not name:
        raise ValidationFailed(_("A view needs a name."))
    view.name = name
    view.save(update_fields=["name"])
    return view


def saved_view_delete(*, view: Any, by: Any) -> None:
    if not permissions.can_change_view(by, view):
        raise PermissionDenied(_("You may not delete this view."))
    view.delete()
