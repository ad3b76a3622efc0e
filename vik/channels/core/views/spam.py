"""The spam review queue: public-form submissions scored as spam (vik.abuse.guard) wait here,
out of the clerks' queues, until a centre lead or a coordinator releases or discards them."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.abuse.guard import spam_labels
from vik.tenancy.decorators import staff_member_required

from .. import selectors, services
from ..models import InboundPayload
from .payloads import payload_get, payload_opened


def _fields(payload: InboundPayload) -> dict[str, str]:
    """The web form's fields as the citizen typed them (other channels: nothing)."""
    try:
        data = json.loads(bytes(payload.body).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}


@staff_member_required
def spam_list(request: HttpRequest) -> HttpResponse:
    payloads = list(selectors.held_for(request.user)[:200])
    rows = [
        (payload, _fields(payload), spam_labels(payload.metadata.get("spam")))
        for payload in payloads
    ]
    return render(request, "channels/spam_list.html", {"rows": rows})


def _payload(request: HttpRequest, pk: int) -> InboundPayload:
    return payload_get(selectors.held_for(request.user), pk)


@staff_member_required
def spam_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payload = _payload(request, pk)
    context = {
        **payload_opened(request, payload),
        "fields": _fields(payload),
        "reasons": spam_labels(payload.metadata.get("spam")),
        "files": payload.files.all(),
    }
    return render(request, "channels/spam_detail.html", context)


@staff_member_required
@require_POST
def spam_release(request: HttpRequest, pk: int) -> HttpResponse:
    if services.inbound_release(payload=_payload(request, pk), by=request.user):
        messages.success(request, _("Released: the message is filed as a request now."))
    return redirect("staff:spam_list")


@staff_member_required
@require_POST
def spam_discard(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "").strip() or "spam"
    services.inbound_discard(payload=_payload(request, pk), by=request.user, reason=reason)
    messages.success(request, _("Discarded as spam; it stays stored and in the audit log."))
    return redirect("staff:spam_list")
