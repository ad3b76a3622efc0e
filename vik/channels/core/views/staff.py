"""The quarantine: what a channel received but could not file, for leads to look at."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.tenancy.decorators import staff_member_required

from .. import selectors, services
from ..models import InboundPayload
from .payloads import payload_get, payload_opened


@staff_member_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "channels/quarantine_list.html",
        {"payloads": selectors.quarantine_for(request.user)[:200]},
    )


def _payload(request: HttpRequest, pk: int) -> InboundPayload:
    return payload_get(selectors.quarantine_for(request.user), pk)


@staff_member_required
def quarantine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = payload_opened(request, _payload(request, pk))
    return render(request, "channels/quarantine_detail.html", context)


@staff_member_required
@require_POST
def quarantine_retry(request: HttpRequest, pk: int) -> HttpResponse:
    services.inbound_retry(payload=_payload(request, pk))
    messages.success(request, _("The message will be processed again."))
    return redirect("staff:quarantine_list")


@staff_member_required
@require_POST
def quarantine_discard(request: HttpRequest, pk: int) -> HttpResponse:
    services.inbound_discard(
        payload=_payload(request, pk), by=request.user, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("The message was discarded; it stays in the audit log."))
    return redirect("staff:quarantine_list")
