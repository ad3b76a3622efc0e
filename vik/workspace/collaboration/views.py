"""Working together: macros (canned answers), mentions, who else has a request open."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vik.contacts.salutation import greeting_strip
from vik.conversations import selectors as conversations
from vik.conversations import services as conversations_services
from vik.core.errors import VikError
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required

from ..choices import PresenceState
from ..models import Macro
from . import selectors, services
from .forms import MacroForm

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest

# Macros on the request page ------------------------------------------------------------------


@staff_member_required
@require_GET
def macro_rendered(request: StaffRequest, reference: str, pk: int) -> JsonResponse:
    """The macro's text for this request, for the reply form's script."""
    item = conversations.request_get(user=request.user, reference=reference)
    try:
        macro = selectors.macro_get_for_request(user=request.user, request=item, pk=pk)
    except Macro.DoesNotExist:
        raise Http404 from None
    text = selectors.macro_render(macro=macro, request=item, agent=request.user)
    conversations_services.request_macro_rendered(
        request=item, macro_id=macro.pk, by=request.user, http_request=request
    )
    # `body`: the text without its greeting, for a reply that already greets.
    return JsonResponse(
        {"id": macro.pk, "name": macro.name, "text": text, "body": greeting_strip(text)}
    )


@staff_member_required
@require_POST
def macro_apply(request: StaffRequest, reference: str) -> HttpResponse:
    """Without script: send the chosen macro as the reply, with its status and tags."""
    item = conversations.request_get(user=request.user, reference=reference)
    pk = request.POST.get("macro", "")
    try:
        macro = selectors.macro_get_for_request(
            user=request.user, request=item, pk=int(pk) if pk.isdigit() else 0
        )
    except Macro.DoesNotExist:
        messages.error(request, _("Choose a canned answer."))
        return redirect("staff:request_detail", reference=reference)
    try:
        services.macro_apply(macro=macro, request=item, by=request.user)
    except VikError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The reply was sent."))
    return redirect("staff:request_detail", reference=reference)


@staff_member_required
@require_GET
def mention_colleagues(request: StaffRequest, reference: str) -> HttpResponse:
    """The colleagues who may be @mentioned in a note on the request."""
    item = conversations.request_get(user=request.user, reference=reference)
    colleagues = selectors.colleagues_for_request(request=item, exclude=request.user)
    return render(request, "workspace/_mention_colleagues.html", {"colleagues": colleagues})


# Managing macros -----------------------------------------------------------------------------


@staff_member_required
def macro_list(request: StaffRequest) -> HttpResponse:
    if not permissions.can_manage_any_macro(request.user):
        raise PermissionDenied
    macros = selectors.macros_managed_list(user=request.user)
    return render(request, "workspace/macro_list.html", {"macros": macros})


def _macro_form_page(request: StaffRequest, macro: Macro) -> HttpResponse:
    where = selectors.macro_scope_choices(request.user)
    if not where:
        raise PermissionDenied
    form = MacroForm(request.POST or None, instance=macro, where_choices=where)
    if request.method == "POST" and form.is_valid():
        try:
            services.macro_save(macro=form.instance, by=request.user)
        except VikError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:macro_list")
    return render(request, "workspace/macro_form.html", {"form": form, "macro": macro})


@staff_member_required
@require_http_methods(["GET", "POST"])
def macro_create(request: StaffRequest) -> HttpResponse:
    return _macro_form_page(request, Macro())


def _managed_macro(request: StaffRequest, pk: int) -> Macro:
    return get_object_or_404(Macro.objects.filter(permissions.macros_managed(request.user)), pk=pk)


@staff_member_required
@require_http_methods(["GET", "POST"])
def macro_edit(request: StaffRequest, pk: int) -> HttpResponse:
    return _macro_form_page(request, _managed_macro(request, pk))


@staff_member_required
@require_POST
def macro_delete(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        services.macro_delete(macro=_managed_macro(request, pk), by=request.user)
    except VikError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The canned answer was deleted."))
    return redirect("staff:macro_list")


# Presence ------------------------------------------------------------------------------------


@staff_member_required
@require_http_methods(["GET", "POST"])
def request_presence(request: StaffRequest, reference: str) -> HttpResponse:
    """The request page's poll: record that the user has it open (writing or not) and say who
    else has, and whether a reply arrived since the page was loaded."""
    item = conversations.request_get(user=request.user, reference=reference)
    params = request.POST if request.method == "POST" else request.GET
    state = params.get("state", PresenceState.VIEWING)
    since = params.get("since", "")
    services.presence_record(request=item, user=request.user, state=state)
    context: dict[str, Any] = {
        "others": selectors.presence_others(request=item, user=request.user),
        "replied_meanwhile": selectors.replied_meanwhile(
            request=item, user=request.user, after_id=int(since) if since.isdigit() else None
        ),
    }
    return render(request, "workspace/_presence_status.html", context)
