"""The caller log, a call's page (record it on a request), the ringing agent's pop-up, the
call-back queue, and the phone lines (their CTI tokens, rotated by those who manage them)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.core.views.tokens import TokenLine, TokenTexts, token_page
from vik.conversations.models import Request
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.models import User

from .. import selectors, services
from ..choices import CallState
from ..forms import CallRecordForm
from ..models import Call

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest


def _filters(request: HttpRequest) -> selectors.CallFilters:
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = clock.today()
    agent = request.GET.get("agent", "")
    return selectors.CallFilters(
        day=day,
        agent_id=int(agent) if agent.isdigit() else None,
        number=request.GET.get("number", "").strip()[:32],
    )


def new_request_url(call: Call) -> str:
    """The new-request page prefilled for this call (built by the requests' own app)."""
    query = {"channel": "phone", "phone": call.citizen_number, "call": call.pk}
    return "/staff/requests/new/?" + urlencode(query)


@staff_member_required
def call_log(request: StaffRequest) -> HttpResponse:
    filters = _filters(request)
    calls = selectors.call_log(request.user, filters)
    per_hour = selectors.calls_per_hour(calls)
    context = {
        "calls": calls,
        "filters": filters,
        "per_hour": per_hour,
        "max_per_hour": max([1, *(total for _hour, total, _missed in per_hour)]),
        "agents": selectors.agents_for_filter(request.user),
        "query": request.GET.urlencode(),
        "missed": sum(1 for call in calls if call.state == CallState.MISSED),
    }
    template = (
        "phone/_call_rows.html" if request.headers.get("HX-Request") else "phone/call_log.html"
    )
    return render(request, template, context)


@staff_member_required
def call_log_rows(request: StaffRequest) -> HttpResponse:
    """The log's table, polled every few seconds (not activity: `SessionLimitsMiddleware`)."""
    filters = _filters(request)
    calls = selectors.call_log(request.user, filters)
    return render(
        request,
        "phone/_call_rows.html",
        {"calls": calls, "query": request.GET.urlencode(), "filters": filters},
    )


def _call_context(request: StaffRequest, call: Call) -> dict[str, object]:
    open_requests = selectors.open_requests_of(call.contact_id, request.user)
    return {
        "call": call,
        "contact": selectors.contact_of(call.contact_id),
        "open_requests": open_requests,
        "new_request_url": new_request_url(call),
        "may_work": permissions.can_work_call(
            request.user, region_id=call.region_id, centre_id=call.centre_id, agent_id=call.agent_id
        ),
        "form": CallRecordForm(
            choices=[(r.reference, f"{r.reference} — {r.subject}") for r in open_requests]
        ),
    }


@staff_member_required
def call_detail(request: StaffRequest, pk: int) -> HttpResponse:
    call = selectors.call_for(request.user, pk)
    if call is None:
        raise Http404
    return render(request, "phone/call_detail.html", _call_context(request, call))


@staff_member_required
@require_POST
def call_record(request: StaffRequest, pk: int) -> HttpResponse:
    call = selectors.call_for(request.user, pk)
    if call is None:
        raise Http404
    context = _call_context(request, call)
    reference = request.POST.get("request", "")
    target = (
        Request.objects.filter(permissions.requests_visible(request.user), reference=reference)
        .select_related("requester")
        .first()
    )
    if target is None:
        messages.error(request, _("Choose a request to record the call on."))
        return render(request, "phone/call_detail.html", context, status=400)
    try:
        services.call_record(
            call=call, request=target, by=request.user, summary=request.POST.get("summary", "")
        )
    except (ValidationFailed, PermissionDenied) as error:
        messages.error(request, str(error))
        return render(request, "phone/call_detail.html", context, status=400)
    messages.success(
        request, _("The call is recorded on %(reference)s.") % {"reference": target.reference}
    )
    return redirect("staff:request_detail", target.reference)


def call_popup(request: HttpRequest) -> HttpResponse:
    """The ringing agent's pop-up, polled every second from every staff page: the call ringing
    for me (or that I answered), or nothing. Not activity (`SessionLimitsMiddleware`)."""
    user = request.user
    if not user.is_authenticated or not isinstance(user, User):
        return HttpResponse(status=204)
    call = selectors.call_popup(user)
    if call is None:
        return render(request, "phone/_call_popup.html", {"call": None})
    return render(
        request,
        "phone/_call_popup.html",
        {
            "call": call,
            "open_requests": selectors.open_requests_of(call.contact_id, user),
            "new_request_url": new_request_url(call),
        },
    )


@staff_member_required
def callback_list(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "phone/callback_list.html",
        {"callbacks": selectors.callbacks_open(request.user), "now": clock.now()},
    )


@staff_member_required
@require_POST
def callback_try(request: StaffRequest, pk: int) -> HttpResponse:
    callback = selectors.callback_for(request.user, pk)
    if callback is None:
        raise Http404
    reached = request.POST.get("reached") == "1"
    try:
        callback = services.callback_try(
            callback=callback, by=request.user, reached=reached, note=request.POST.get("note", "")
        )
    except ValidationFailed as error:
        messages.error(request, str(error))
        return redirect("staff:callback_list")
    if reached:
        messages.success(request, _("%(reference)s: reached.") % {"reference": callback.reference})
    elif callback.closed_at:
        messages.warning(
            request,
            _("%(reference)s: not reached after %(tries)d tries; closed. %(note)s")
            % {
                "reference": callback.reference,
                "tries": callback.tries,
                "note": callback.give_up_text,
            },
        )
    else:
        messages.info(
            request,
            _("%(reference)s: not reached (try %(tries)d).")
            % {"reference": callback.reference, "tries": callback.tries},
        )
    return redirect("staff:callback_list")


def _line_texts() -> TokenTexts:
    return TokenTexts(
        title=_("Phone lines"),
        intro=_(
            "The phone system sends VIK its calls to a secret address. A new token makes a new "
            "address; the old one stops working at once, so the phone system must get the new one."
        ),
        confirm=_(
            "I will enter the new address in the phone system; until then it cannot send calls."
        ),
        secret_label=_("The address the phone system posts its events to"),
        secret_help=_(
            "Copy it now (select it and press Ctrl+C) and enter it in the phone system: it is "
            "shown only this once and VIK does not keep it."
        ),
        back_url=reverse("staff:call_log"),
        back_label=_("Calls"),
        none=_("You manage no phone line."),
    )


def _line_page(
    request: StaffRequest, rotated: ChannelAccount | None = None, address: str = ""
) -> HttpResponse:
    lines = []
    for account in selectors.lines_managed(request.user):
        token = getattr(account, "cti_token", None)
        lines.append(
            TokenLine(
                account=account,
                has_token=token is not None,
                hint=token.hint if token else "",
                rotated_at=token.rotated_at if token else None,
                rotate_url=reverse("staff:phone_token_rotate", args=[account.pk]),
            )
        )
    return token_page(request, texts=_line_texts(), lines=lines, rotated=rotated, secret=address)


@staff_member_required
@require_GET
def line_list(request: StaffRequest) -> HttpResponse:
    if not permissions.can_review_quarantine(request.user):
        raise Forbidden
    return _line_page(request)


@staff_member_required
@require_POST
def line_token_rotate(request: StaffRequest, pk: int) -> HttpResponse:
    """A new CTI token for the line, shown once on the page this answers with (never stored,
    never logged: the audit log keeps its last characters)."""
    account = ChannelAccount.objects.filter(pk=pk, kind=ChannelKind.PHONE).first()
    if account is None:
        raise Http404
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Confirm that the phone system gets the new address first."))
        return redirect("staff:phone_line_list")
    try:
        token = services.cti_token_rotate(account=account, by=request.user)
    except PermissionDenied as error:
        raise Forbidden from error
    return _line_page(request, account, f"{settings.SITE_URL.rstrip('/')}/api/v1/cti/{token}")
