"""The follow-up list of dissatisfied ratings (1–2) for centre leads, coordinators and
analysts, and its "followed up" action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.core.errors import VikError
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required

from .. import selectors, services
from ..forms import FollowUpFilterForm, FollowUpForm
from ..models import Rating

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest

PAGE_SIZE = 25


def _without_page(request: StaffRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@staff_member_required
def follow_up_list(request: StaffRequest) -> HttpResponse:
    if not permissions.can_see_follow_up_list(request.user):
        raise Forbidden
    centres = selectors.follow_up_centres(request.user)
    filters = FollowUpFilterForm(
        request.GET or None, centres=[(centre.pk, centre.name) for centre in centres]
    )
    centre_id, include_followed_up = None, False
    if filters.is_valid():
        centre_id = filters.cleaned_data["centre"]
        include_followed_up = filters.cleaned_data["followed_up"]
    ratings = selectors.ratings_to_follow_up(
        viewer=request.user, centre_id=centre_id, include_followed_up=include_followed_up
    )
    page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # The comments are the citizens' words: the page is an audited read of them.
    services.ratings_listed(ratings=rows, by=request.user, http_request=request)
    followable = {
        rating.pk
        for rating in rows
        if rating.followed_up_at is None
        and permissions.can_follow_up_rating(
            request.user, region_id=rating.request.region_id, centre_id=rating.request.centre_id
        )
    }
    return render(
        request,
        "satisfaction/follow_up_list.html",
        {
            "filters": filters,
            "page": page,
            "ratings": rows,
            "followable": followable,
            "follow_up_form": FollowUpForm(),
            "query": _without_page(request),
        },
    )


@staff_member_required
@require_POST
def follow_up_mark(request: StaffRequest, pk: int) -> HttpResponse:
    rating = (
        Rating.objects.filter(permissions.ratings_follow_up_visible(request.user), pk=pk)
        .select_related("request")
        .first()
    )
    if rating is None:
        raise Http404
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
    else:
        try:
            services.rating_follow_up(
                rating=rating, by=request.user, note=form.cleaned_data["note"]
            )
        except VikError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(reference)s: followed up.") % {"reference": rating.request.reference},
            )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("staff:satisfaction_follow_up")
