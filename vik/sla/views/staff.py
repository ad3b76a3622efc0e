"""The service level policies of the centres a lead or coordinator manages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from vik.core.errors import VikError
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required

from .. import selectors, services
from ..forms import SlaPolicyForm
from ..models import SlaPolicy

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest


@staff_member_required
def policy_list(request: StaffRequest) -> HttpResponse:
    if not permissions.can_manage_any_sla(request.user):
        raise PermissionDenied
    return render(
        request, "sla/policy_list.html", {"policies": selectors.sla_policy_list(request.user)}
    )


@staff_member_required
def policy_create(request: StaffRequest) -> HttpResponse:
    return _policy_form(request, SlaPolicy())


@staff_member_required
def policy_edit(request: StaffRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy.objects.select_related("centre"), pk=pk)
    if not permissions.can_manage_sla(request.user, policy.centre):
        raise PermissionDenied
    return _policy_form(request, policy)


def _policy_form(request: StaffRequest, policy: SlaPolicy) -> HttpResponse:
    centres = selectors.sla_centres(request.user)
    if not centres.exists():
        raise PermissionDenied
    form = SlaPolicyForm(request.POST or None, instance=policy, centres=centres)
    if request.method == "POST" and form.is_valid():
        try:
            services.sla_policy_save(policy=form.instance, by=request.user)
        except VikError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The service level policy is saved."))
            return redirect("staff:sla_policy_list")
    return render(request, "sla/policy_form.html", {"form": form, "policy": policy})
