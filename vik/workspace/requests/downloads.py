"""Handing a clerk the raw e-mail behind a message, and the page that asks before a
dangerous attachment is downloaded."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from vik.audit.services import audit_record
from vik.conversations.models import Attachment, Interaction, Request

from .message_facts import RAW_MAIL_TYPE, raw_mail_of


def raw_mail_response(
    request: HttpRequest, item: Request, interaction: Interaction
) -> HttpResponse:
    """The stored message as it arrived, as a download (never shown in the browser); audited,
    since it holds everything the sender wrote. 404 for a message that was no e-mail."""
    payload = raw_mail_of(interaction)
    if payload is None:
        raise Http404
    audit_record(
        actor=request.user, action="inbound.raw_download", target=payload, personal_data=True,
        request=request, details={"request": item.reference, "interaction": interaction.pk},
    )  # fmt: skip
    response = HttpResponse(bytes(payload.body), content_type=RAW_MAIL_TYPE)
    filename = f"{item.reference}-{interaction.pk}.eml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def dangerous_attachment_page(
    request: HttpRequest, item: Request, attachment: Attachment
) -> HttpResponse:
    """What a clerk sees instead of the file: a warning, and a button that downloads it."""
    return render(
        request, "workspace/attachment_confirm.html", {"item": item, "attachment": attachment}
    )
