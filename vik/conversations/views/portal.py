"""The citizen's private tracking page: status, public replies, and a follow-up form."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from vik.audit.services import client_ip
from vik.channels.web.forms import FollowUpForm
from vik.channels.web.services import web_follow_up_submit

from .. import selectors
from ..choices import Status, Visibility
from ..models import Attachment, Request
from .common import attachment_response


def attachment_download(request: HttpRequest, token: str, pk: int) -> FileResponse:
    """A public attachment of the citizen's own request (never an internal note's)."""
    attachment = get_object_or_404(
        Attachment,
        pk=pk,
        interaction__request__public_token=token,
        interaction__visibility=Visibility.PUBLIC,
    )
    return attachment_response(attachment)


def tracking(request: HttpRequest, token: str) -> HttpResponse:
    item = (
        Request.objects.select_related("centre", "topic", "municipality")
        .filter(public_token=token)
        .first()
    )
    if item is None:
        raise Http404
    if request.method == "POST":
        form = FollowUpForm(request.POST, request.FILES)
        if form.is_valid():
            web_follow_up_submit(
                request=item,
                submission_id=form.cleaned_data["submission_id"],
                message=form.cleaned_data["message"],
                files=form.cleaned_data["attachments"],
                client_ip=client_ip(request),
            )
            messages.success(request, _("Thank you, we have received your message."))
            return redirect("portal:tracking", token=token)
    else:
        form = FollowUpForm()
    return render(
        request,
        "conversations/tracking.html",
        {
            "item": item,
            "timeline": selectors.request_timeline(request=item, public_only=True),
            "form": form,
            "is_closed": item.status == Status.CLOSED,
        },
    )
