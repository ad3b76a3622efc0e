"""The reply on the request page: sending it (with files, and a status in the same action),
its draft saved as the agent types, its Markdown previewed, the conversation's new entries
fetched while the page is open, and the agent's and centre's signatures."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.conversations import selectors, services
from vik.conversations.choices import Status
from vik.core import clock
from vik.core.errors import VikError
from vik.core.markdown import reply_html
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.models import InformationCentre

from ..collaboration.replies import (
    reply_draft_save,
    reply_signature_save,
)
from ..collaboration.services import reply_send
from ..models import ReplySignature
from .forms import ReplyForm
from .message_facts import message_facts

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest


@staff_member_required
@require_POST
def request_reply(request: StaffRequest, reference: str) -> HttpResponse:
    """Send the reply with its files; "send and set status" sets the status in the same step."""
    item = selectors.request_get(user=request.user, reference=reference)
    form = ReplyForm(
        request.POST, request.FILES,
        current_status=item.status, routes=services.reply_routes(item),
    )  # fmt: skip
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("staff:request_detail", reference=reference)
    data = form.cleaned_data
    try:
        reply_send(
            request=item, by=request.user, text=data["text"], status=data["status"] or None,
            articles=data.get("knowledge_articles") or (), macro_id=data.get("macro_id"),
            route=data.get("route") or None, attachments=data["attachments"],
        )  # fmt: skip
    except VikError as error:
        messages.error(request, str(error))
        return redirect("staff:request_detail", reference=reference)
    item.refresh_from_db()
    if data["status"]:
        messages.success(
            request,
            _("Reply sent; the request is now “%(status)s”.")
            % {"status": Status(item.status).label},
        )
    else:
        messages.success(request, _("Reply sent."))
    return redirect("staff:request_detail", reference=reference)


@staff_member_required
@require_POST
def request_reply_draft(request: StaffRequest, reference: str) -> HttpResponse:
    """The reply as typed so far (htmx posts it a moment after each pause in typing)."""
    item = selectors.request_get(user=request.user, reference=reference)
    try:
        reply_draft_save(request=item, by=request.user, text=request.POST.get("text", ""))
    except VikError as error:
        raise PermissionDenied(str(error)) from error
    return HttpResponse(
        _("Draft saved at %(time)s.") % {"time": clock.now().astimezone().strftime("%H:%M")}
    )


@staff_member_required
@require_POST
def request_reply_preview(request: StaffRequest, reference: str) -> HttpResponse:
    """The reply's Markdown as it will read (sanitised: no script, no foreign markup)."""
    selectors.request_get(user=request.user, reference=reference)
    return render(
        request,
        "workspace/_reply_preview.html",
        {"html": reply_html(request.POST.get("text", ""))},
    )


@staff_member_required
def request_timeline_updates(request: StaffRequest, reference: str) -> HttpResponse:
    """The conversation's entries newer than `since` (the page polls every few seconds): a
    citizen's new message, a colleague's reply or note, a change of status."""
    item = selectors.request_get(user=request.user, reference=reference)
    since = parse_datetime(request.GET.get("since", "")) or clock.now()
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    timeline = [
        entry
        for entry in selectors.request_timeline(request=item)
        if (entry.occurred_at if hasattr(entry, "occurred_at") else entry.created_at) > since
    ]
    if timeline:  # new messages shown: read as the page's own opening is (personal data)
        services.request_viewed(request=item, by=request.user, http_request=request)
    newest = max(
        [since]
        + [entry.occurred_at if hasattr(entry, "occurred_at") else entry.created_at
           for entry in timeline]
    )  # fmt: skip
    return render(
        request,
        "workspace/_timeline_updates.html",
        {
            "item": item,
            "timeline": timeline,
            "message_facts": message_facts(timeline),
            "can_work": permissions.can_work_request(request.user, item),
            "since": newest,
        },
    )


@staff_member_required
def reply_signatures(request: StaffRequest) -> HttpResponse:
    """The agent's own signature, and those of the centres they lead."""
    user = request.user
    centres = list(
        InformationCentre.objects.filter(pk__in=permissions.reply_signature_centres(user))
    )
    if request.method == "POST":
        centre_id = request.POST.get("centre", "")
        centre = next((c for c in centres if str(c.pk) == centre_id), None)
        if centre_id and centre is None:
            raise PermissionDenied
        try:
            reply_signature_save(by=user, text=request.POST.get("text", "")[:1000], centre=centre)
        except VikError as error:
            raise PermissionDenied(str(error)) from error
        messages.success(request, _("Signature saved."))
        return redirect("staff:reply_signatures")
    texts = dict(ReplySignature.objects.filter(centre__in=centres).values_list("centre_id", "text"))
    own = ReplySignature.objects.filter(user=user).values_list("text", flat=True).first() or ""
    return render(
        request,
        "workspace/reply_signatures.html",
        {"own": own, "centres": [(centre, texts.get(centre.pk, "")) for centre in centres]},
    )
