"""The quarantine: what a channel received but could not file, for leads to look at."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.audit.services import audit_record
from vik.tenancy.decorators import staff_member_required

from .. import selectors, services
from ..models import InboundPayload

PREVIEW_BYTES = 200_000


@staff_member_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "channels/quarantine_list.html",
        {"payloads": selectors.quarantine_for(request.user)[:200]},
    )


def _payload(request: HttpRequest, pk: int) -> InboundPayload:
    payload = selectors.quarantine_for(request.user).filter(pk=pk).first()
    if payload is None:
        raise Http404
    return payload


@staff_member_required
def quarantine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payload = _payload(request, pk)
    audit_record(
        actor=request.user, action="inbound.view", target=payload, personal_data=True,
        request=request,
    )  # fmt: skip
    raw = bytes(payload.body)
    return render(
        request,
        "channels/quarantine_detail.html",
        {
            "payload": payload,
            "raw": raw[:PREVIEW_BYTES].decode("utf-8", errors="replace"),
            "truncated": len(raw) > PREVIEW_BYTES,
            "size": len(raw),
        },
    )


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
