"""The portal's "call me back" form: a number, when, and what about; rate-limited and guarded
like the question form (`vik.abuse`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from vik.abuse.guard import form_guard, form_guard_post, spam_reasons
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.territory.models import Region

from ..forms import CallBackForm
from ..services import callback_request_submit


def _regions() -> list[Region]:
    ids = ChannelAccount.objects.filter(kind=ChannelKind.PHONE, is_active=True).values("region_id")
    return list(Region.objects.filter(pk__in=ids).order_by("name"))


def callback_form(request: HttpRequest) -> HttpResponse:
    regions = _regions()
    if request.method == "POST":
        form = CallBackForm(request.POST, regions=regions)
        guard = form_guard_post(request, "callback")
        if not guard.refused and form.is_valid():
            data = form.cleaned_data
            if not spam_reasons(request, honeypot=data["website"], text=data["preferred_time"]):
                callback = callback_request_submit(
                    region=data["region"],
                    number=data["number"],
                    preferred_time=data["preferred_time"],
                    topic=data["topic"],
                )
                request.session["vik_callback_reference"] = callback.reference
            # a robot is thanked the same, and nothing is queued
            return redirect("portal:callback_sent")
    else:
        form = CallBackForm(regions=regions)
        guard = form_guard(request, "callback")
    response = render(
        request,
        "phone/callback_form.html",
        {"form": form, "guard": guard, "available": bool(regions)},
        status=guard.status,
    )
    if guard.retry_after:
        response["Retry-After"] = str(guard.retry_after)
    return response


def callback_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "phone/callback_sent.html",
        {"reference": request.session.get("vik_callback_reference", "")},
    )
