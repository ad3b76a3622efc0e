"""Turning a submitted web form into a stored raw payload (processing happens in a task)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vik.abuse.guard import SpamReason
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount, InboundPayload
from vik.channels.core.services import UploadedFile as StoredFile
from vik.channels.core.services import inbound_accept
from vik.contacts.choices import IdentityKind
from vik.conversations.models import Request
from vik.core import clock
from vik.core.memo import configured
from vik.core.tasks import enqueue_on_commit
from vik.territory.models import Municipality
from vik.topics.models import Topic

from . import tasks
from .adapter import PAYLOAD_CONTENT_TYPE, payload_body


def web_accounts() -> list[ChannelAccount]:
    """The active web accounts (every page of the form asks; kept a few seconds)."""
    return configured(
        ("web_accounts",),
        lambda: list(ChannelAccount.objects.filter(kind=ChannelKind.WEB, is_active=True)),
    )


def web_account_for(region_id: int) -> ChannelAccount | None:
    return ChannelAccount.objects.filter(
        kind=ChannelKind.WEB, is_active=True, region_id=region_id
    ).first()


def _stored(files: Iterable[UploadedFile]) -> list[StoredFile]:
    return [
        StoredFile(
            filename=upload.name or "příloha",
            content_type=upload.content_type or "application/octet-stream",
            content=upload.read(),
        )
        for upload in files
    ]


def web_request_submit(
    *,
    account: ChannelAccount,
    submission_id: uuid.UUID,
    name: str,
    email: str,
    phone: str,
    municipality: Municipality,
    topic: Topic | None,
    message: str,
    files: Iterable[UploadedFile],
    language: str,
    client_ip: str | None,
    spam_reasons: Sequence[SpamReason] = (),
) -> InboundPayload:
    """Store the citizen's question; scored as spam (`spam_reasons`), it waits in the spam review
    queue instead of being filed."""
    body = payload_body(
        {
            "kind": "request",
            "name": name,
            "email": email,
            "phone": phone,
            "municipality_code": municipality.code,
            "topic_id": topic.pk if topic else None,
            "message": message,
            "language": language,
            # no consent: the office answers under its public task (GDPR Art. 6(1)(e)); the
            # form links to the privacy notice
            "submitted_at": clock.now().isoformat(),
        }
    )
    payload, _ = inbound_accept(
        account=account,
        idempotency_key=str(submission_id),
        body=body,
        content_type=PAYLOAD_CONTENT_TYPE,
        metadata={
            "client_ip": client_ip,
            **({"spam": [reason.as_dict() for reason in spam_reasons]} if spam_reasons else {}),
        },
        files=_stored(files),
        held_reasons=[str(reason) for reason in spam_reasons],
    )
    return payload


def web_follow_up_submit(
    *,
    request: Request,
    submission_id: uuid.UUID,
    message: str,
    files: Iterable[UploadedFile],
    client_ip: str | None,
) -> InboundPayload:
    """A follow-up from the tracking page: the secret link proves it is the requester."""
    account = request.origin_account if request.origin_channel == ChannelKind.WEB else None
    account = account or web_account_for(request.region_id)
    if account is None:
        raise LookupError("This region has no web channel account.")
    identities = {i.kind: i.value for i in request.requester.identities.all()}
    body = payload_body(
        {
            "kind": "follow_up",
            "public_token": request.public_token,
            "name": request.requester.name,
            "email": identities.get(IdentityKind.EMAIL, ""),
            "phone": identities.get(IdentityKind.PHONE, ""),
            "message": message,
            "subject": request.subject,
            "language": request.language,
            "submitted_at": clock.now().isoformat(),
        }
    )
    payload, _ = inbound_accept(
        account=account,
        idempotency_key=str(submission_id),
        body=body,
        content_type=PAYLOAD_CONTENT_TYPE,
        metadata={"client_ip": client_ip},
        files=_stored(files),
    )
    return payload


def tracking_link_resend(*, reference: str, email: str) -> bool:
    """ "Find my request": e-mail the tracking link of the request `reference` to `email` if the
    request's citizen has that address. Returns whether it matched, for tests and logs only:
    the page says the same either way, so that nobody learns which references or addresses
    exist. The e-mail goes after the commit, from a task."""
    request = (
        Request.objects.filter(
            reference__iexact=reference.strip(),
            requester__identities__kind=IdentityKind.EMAIL,
            requester__identities__value=email,
        )
        .only("pk")
        .first()
    )
    if request is None:
        return False
    enqueue_on_commit(tasks.tracking_link_send_task, request.pk, email)
    return True


def tracking_link_send(*, request_id: int, email: str) -> None:
    request = Request.objects.filter(pk=request_id).first()
    if request is None:
        return
    link = settings.SITE_URL + reverse("portal:tracking", kwargs={"token": request.public_token})
    with translation.override(request.language or "cs"):
        subject = _("Your request %(reference)s: the link to follow it") % {
            "reference": request.reference
        }
        body = render_to_string("web/tracking_link_email.txt", {"request": request, "link": link})
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[email])
