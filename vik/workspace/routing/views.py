"""The routing rule editor: save a rule, or test it as edited against the region's last
requests (the preview reads requests, so the editor sits above conversations; the rest of
routing's pages are `vik.routing.views.staff`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vik.conversations import services as conversations
from vik.conversations.routing_preview import requests_rule_preview
from vik.core.errors import VikError
from vik.routing import services as routing
from vik.routing.forms import RuleForm, municipality_label
from vik.routing.models import RoutingRule
from vik.routing.views.staff import region_shown, rule_editable
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.territory.models import Region
from vik.territory.selectors import municipality_search

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest


def municipalities_found(*, region: Region, query: str, chosen: list[str]) -> list[tuple[str, str]]:
    """The region's municipalities the query finds, less those already chosen."""
    found = municipality_search(query=query, region_ids=[region.pk], limit=12)
    return [(m.code, municipality_label(m)) for m in found if m.code not in chosen]


@staff_member_required
def rule_municipalities(request: StaffRequest) -> HttpResponse:
    """The picker's type-ahead: municipalities to tick (htmx), for a region the user edits."""
    region = region_shown(request)
    if not permissions.can_edit_routing(request.user, region.pk):
        raise PermissionDenied
    found = municipalities_found(
        region=region,
        query=request.GET.get("municipality_query", ""),
        chosen=request.GET.getlist("municipalities"),
    )
    return render(
        request,
        "routing/_municipality_found.html",
        {"found": found, "query": request.GET.get("municipality_query", "").strip()},
    )


@staff_member_required
def rule_create(request: StaffRequest) -> HttpResponse:
    region = region_shown(request)
    form = RuleForm(request.POST or None, region=region)
    return _editor(request, form, region, rule=None)


@staff_member_required
def rule_edit(request: StaffRequest, pk: int) -> HttpResponse:
    rule = rule_editable(request, pk)
    form = RuleForm(request.POST or None, region=rule.region, initial=RuleForm.initial_for(rule))
    return _editor(request, form, rule.region, rule=rule)


def _editor(
    request: StaffRequest, form: RuleForm, region: Region, *, rule: RoutingRule | None
) -> HttpResponse:
    """Save the rule, or (the preview button) test it as edited against the last requests."""
    context: dict[str, Any] = {"form": form, "region": region, "rule": rule}
    action = request.POST.get("action")
    if action in ("preview", "find_municipalities"):
        form.name_optional()
    if action == "find_municipalities":
        # Without script: the picker's "Find" button lists the matches to tick.
        context["municipalities_found"] = municipalities_found(
            region=region,
            query=request.POST.get("municipality_query", ""),
            chosen=request.POST.getlist("municipalities"),
        )
        return render(request, "routing/rule_form.html", context)
    if request.method == "POST" and form.is_valid():
        if action == "preview":
            preview = requests_rule_preview(rule=form.unsaved_rule())
            context["preview"] = preview
            conversations.requests_listed(
                by=request.user,
                http_request=request,
                filters={"rule": form.cleaned_data.get("name") or ""},
                references=[row.request.reference for row in preview.rows],
                page="routing_preview",
            )
        else:
            data = form.cleaned_data
            fields = {
                "name": data["name"], "conditions": form.conditions, "actions": form.actions,
                "stops": data["stops"], "is_active": data["is_active"], "by": request.user,
            }  # fmt: skip
            try:
                if rule is None:
                    routing.rule_create(region=region, **fields)
                else:
                    routing.rule_update(rule=rule, **fields)
            except VikError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The rule is saved."))
                return redirect(f"/staff/routing/?region={region.pk}")
    return render(request, "routing/rule_form.html", context)
