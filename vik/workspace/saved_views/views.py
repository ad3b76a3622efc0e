"""Saved views of the request list: save the current filters, rename, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.core.errors import VikError
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region

from ..models import SavedView
from . import selectors, services
from .forms import SavedViewForm, SavedViewRenameForm

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest


@staff_member_required
def saved_view_list(request: StaffRequest) -> HttpResponse:
    """The user's saved views, with rename and delete where they may."""
    views = [
        (view, permissions.can_change_view(request.user, view))
        for view in selectors.saved_views_for(request.user)
    ]
    return render(request, "workspace/saved_view_list.html", {"views": views})


def _share_target(value: str) -> tuple[InformationCentre | None, Region | None]:
    kind, _sep, pk = value.partition(":")
    if not pk.isdigit():
        return None, None
    if kind == "centre":
        return InformationCentre.objects.filter(pk=int(pk)).first(), None
    if kind == "region":
        return None, Region.objects.filter(pk=int(pk)).first()
    return None, None


@staff_member_required
@require_POST
def saved_view_create(request: StaffRequest) -> HttpResponse:
    form = SavedViewForm(request.POST, share_choices=selectors.view_share_choices(request.user))
    query = QueryDict(request.POST.get("query", "").lstrip("?"))
    if not form.is_valid():
        messages.error(request, _("Give the view a name and choose who sees it."))
        return redirect(reverse("staff:request_list") + (f"?{query.urlencode()}" if query else ""))
    centre, region = _share_target(form.cleaned_data["share"] or "")
    filters, sort = _filters_of(request, query)
    try:
        view = services.saved_view_create(
            by=request.user,
            name=form.cleaned_data["name"],
            filters=filters,
            sort=sort,
            centre=centre,
            region=region,
        )
    except VikError as error:
        messages.error(request, str(error))
        return redirect("staff:request_list")
    messages.success(request, _("The view is saved."))
    return redirect(reverse("staff:request_list") + f"?view={view.pk}")


def _filters_of(request: StaffRequest, query: QueryDict) -> tuple[dict[str, str], str]:
    """The filters and sort to save: the query's, or those of the view it shows."""
    filters = {key: str(value) for key, value in query.items() if key not in {"view", "after"}}
    view_key = str(query.get("view") or "")
    if not any(filters.values()) and view_key:
        shown = selectors.list_view_find(selectors.list_views_for(request.user), view_key)
        if shown is not None:
            return dict(shown.params), shown.sort
    return filters, filters.pop("sort", "") or "received"


def _changeable(request: StaffRequest, pk: int) -> SavedView:
    view = selectors.saved_view_get_changeable(user=request.user, pk=pk)
    if view is None:
        raise Http404
    return view


@staff_member_required
@require_POST
def saved_view_rename(request: StaffRequest, pk: int) -> HttpResponse:
    view = _changeable(request, pk)
    form = SavedViewRenameForm(request.POST)
    if form.is_valid():
        try:
            services.saved_view_rename(view=view, by=request.user, name=form.cleaned_data["name"])
        except VikError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The view is renamed."))
    else:
        messages.error(request, _("Give the view a name."))
    return redirect("staff:saved_view_list")


@staff_member_required
@require_POST
def saved_view_delete(request: StaffRequest, pk: int) -> HttpResponse:
    view = _changeable(request, pk)
    try:
        services.saved_view_delete(view=view, by=request.user)
    except VikError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The view is deleted."))
    return redirect("staff:saved_view_list")


@staff_member_required
def view_counts(request: StaffRequest) -> HttpResponse:
    """The counts of the list's view tabs, swapped into the tabs by htmx (out of band)."""
    return render(
        request,
        "workspace/saved_view_counts.html",
        {"views": selectors.saved_view_counts_cached(user=request.user)},
    )
