"""Routing in the staff workspace: the rule list, queues, absence.

The rule editor previews a rule against requests, which routing cannot read: it is the
workspace's (`vik.workspace.views.routing_editor`), on the same URLs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.core.errors import VikError
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Region

from .. import selectors, services
from ..forms import PolicyForm, QueueForm
from ..models import Queue, RoutingRule

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest, StaffUser


def region_shown(request: StaffRequest) -> Region:
    """The region whose rules the page shows: ?region=<id>, else the user's first."""
    regions = selectors.regions_edited(request.user)
    wanted = request.GET.get("region") or request.POST.get("region")
    if wanted:
        region = regions.filter(pk=wanted if wanted.isdigit() else 0).first()
        if region is None:
            raise Http404
        return region
    region = regions.first()
    if region is None:
        raise PermissionDenied
    return region


def rule_editable(request: StaffRequest, pk: int) -> RoutingRule:
    """A rule of a region the user edits; others do not exist for them."""
    rule = get_object_or_404(RoutingRule.objects.select_related("region"), pk=pk)
    if not permissions.can_edit_routing(request.user, rule.region_id):
        raise Http404
    return rule


@staff_member_required
def rule_list(request: StaffRequest) -> HttpResponse:
    if not permissions.can_edit_any_routing(request.user):
        raise PermissionDenied
    if not selectors.regions_edited(request.user).exists():
        return redirect("staff:routing_queues")  # a centre lead: only their queues
    region = region_shown(request)
    return render(
        request,
        "routing/rule_list.html",
        {
            "region": region,
            "regions": selectors.regions_edited(request.user),
            "rows": selectors.rule_rows(region),
        },
    )


@staff_member_required
@require_POST
def rule_move(request: StaffRequest, pk: int) -> HttpResponse:
    rule = rule_editable(request, pk)
    services.rule_move(rule=rule, up=request.POST.get("direction") == "up", by=request.user)
    return redirect(f"/staff/routing/?region={rule.region_id}")


@staff_member_required
@require_POST
def rule_toggle(request: StaffRequest, pk: int) -> HttpResponse:
    rule = rule_editable(request, pk)
    services.rule_set_active(rule=rule, is_active=not rule.is_active, by=request.user)
    return redirect(f"/staff/routing/?region={rule.region_id}")


@staff_member_required
@require_POST
def rule_delete(request: StaffRequest, pk: int) -> HttpResponse:
    rule = rule_editable(request, pk)
    services.rule_delete(rule=rule, by=request.user)
    messages.success(request, _("The rule is deleted."))
    return redirect(f"/staff/routing/?region={rule.region_id}")


@staff_member_required
def queue_list(request: StaffRequest) -> HttpResponse:
    """Queues and the assignment policy of the centres the user manages."""
    centres = selectors.centres_with_queues(request.user)
    if not centres:
        raise PermissionDenied
    form = QueueForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        centre = next(c for c in centres if c.pk == form.cleaned_data["centre"])
        services.queue_create(centre=centre, name=form.cleaned_data["name"], by=request.user)
        messages.success(request, _("The queue is added."))
        return redirect("staff:routing_queues")
    for centre in centres:
        centre.policy_form = PolicyForm(  # type: ignore[attr-defined]
            initial={"policy": centre.assignment_policy}, prefix=f"c{centre.pk}"
        )
    return render(request, "routing/queues.html", {"centres": centres, "form": form})


@staff_member_required
@require_POST
def queue_delete(request: StaffRequest, pk: int) -> HttpResponse:
    queue = get_object_or_404(Queue.objects.select_related("centre"), pk=pk)
    if not permissions.can_manage_queues(request.user, queue.centre):
        raise Http404
    services.queue_delete(queue=queue, by=request.user)
    messages.success(request, _("The queue is removed."))
    return redirect("staff:routing_queues")


@staff_member_required
@require_POST
def centre_policy(request: StaffRequest, pk: int) -> HttpResponse:
    centre = get_object_or_404(InformationCentre, pk=pk)
    if not permissions.can_manage_queues(request.user, centre):
        raise Http404
    form = PolicyForm(request.POST, prefix=f"c{centre.pk}")
    if form.is_valid():
        services.centre_policy_set(
            centre=centre, policy=form.cleaned_data["policy"], by=request.user
        )
        messages.success(request, _("The assignment policy is saved."))
    return redirect("staff:routing_queues")


@staff_member_required
def availability(request: StaffRequest) -> HttpResponse:
    """Mark oneself absent or back; a lead (or coordinator) also the agents they look after."""
    if request.method == "POST":
        person: StaffUser = request.user
        if request.POST.get("user"):
            if not request.POST["user"].isdigit():  # not one of the page's own buttons
                raise Http404
            person = get_object_or_404(User, pk=request.POST["user"])
            if not permissions.can_mark_absent(request.user, person):
                raise Http404
        try:
            services.user_set_absent(
                user=person, is_absent=request.POST.get("absent") == "1", by=request.user
            )
        except VikError as error:
            messages.error(request, str(error))
        return redirect("staff:routing_me")
    return render(
        request,
        "routing/availability.html",
        {"people": selectors.people_marked_by(request.user)},
    )
