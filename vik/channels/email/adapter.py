"""The e-mail channel: raw RFC 5322 messages in (IMAP or a mail server's pipe), SMTP out.

`parse` turns a stored message into a normalised one: the sender's address, the text, the
attachments, and what ties it to a request (the Message-IDs it answers, the reference in its
subject). It also says when a machine wrote it (auto-replies) and when it is a delivery report
about a message VIK sent (bounces), which `conversations` applies. The parser, bounce
detection and SMTP delivery are shared with the fax channel (`vik.channels.mail`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import translation

from vik.channels.core.base import (
    ChannelAdapter,
    InboundAttachment,
    NormalisedMessage,
    PayloadRejected,
    ThreadHint,
    outbound_message_id,
)
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import InboundPayload, OutboundMessage
from vik.channels.mail.inbound import delivery_report_message, mail_read
from vik.channels.mail.parser import ParsedMail
from vik.channels.mail.smtp import (
    answered_message_ids,
    formatted,
    reply_document,
    signature_html,
    smtp_connections,
    smtp_deliver,
    with_signature,
)
from vik.contacts.choices import IdentityKind
from vik.contacts.identities import InvalidIdentity, normalise
from vik.conversations.models import Request

RAW_CONTENT_TYPE = "message/rfc822"
REFERENCE_IN_SUBJECT = re.compile(r"\[([A-Z]{2,4}-\d{4}-\d{6})\]")


def reference_in_subject(subject: str) -> str:
    match = REFERENCE_IN_SUBJECT.search(subject)
    return match.group(1) if match else ""


def _sender(parsed: ParsedMail) -> tuple[str, str]:
    """(name, normalised address) of whom to answer: Reply-To if given, else From."""
    candidates = [*parsed.reply_to, *([parsed.sender] if parsed.sender else [])]
    for candidate in candidates:
        try:
            return candidate.name, normalise(IdentityKind.EMAIL, candidate.address)
        except InvalidIdentity:
            continue
    raise PayloadRejected("The message has no usable sender address (From / Reply-To).")


class EmailAdapter(ChannelAdapter):
    kind = ChannelKind.EMAIL
    acknowledges_by_default = True

    def parse(self, payload: InboundPayload) -> NormalisedMessage:
        _raw, parsed = mail_read(payload)
        if parsed.bounce is not None:
            return delivery_report_message(parsed, payload)
        name, address = _sender(parsed)
        return NormalisedMessage(
            sender_identities=[(IdentityKind.EMAIL, address)],
            sender_name=name,
            subject=parsed.subject,
            text=parsed.text,
            html=parsed.html,
            # The office received it when it arrived, whatever the sender's clock said.
            occurred_at=payload.received_at,
            attachments=[
                InboundAttachment(
                    item.filename, item.content_type, item.content, content_id=item.content_id
                )
                for item in parsed.attachments
            ],
            thread=ThreadHint(
                reference=reference_in_subject(parsed.subject),
                message_ids=(*parsed.in_reply_to, *reversed(parsed.references)),
            ),
            external_id=parsed.message_id,
            auto_reply=parsed.auto_reply,
            shortened=parsed.shortened.as_dict() if parsed.shortened else None,
        )

    def reply_recipient(self, request: Request) -> str | None:
        email = request.requester.identities.filter(kind=IdentityKind.EMAIL).first()
        return email.value if email else None

    remembers_sent_ids = True

    def delivering(
        self, messages: Sequence[OutboundMessage] = ()
    ) -> contextlib.AbstractContextManager[None]:
        return smtp_connections(answering=[m.interaction.request_id for m in messages])

    def sender_address(self, message: NormalisedMessage) -> str | None:
        return next((v for k, v in message.sender_identities if k == IdentityKind.EMAIL), None)

    def send(self, message: OutboundMessage) -> str:
        account, interaction = message.account, message.interaction
        request = interaction.request
        smtp: dict[str, Any] = account.settings.get("smtp", {})
        sender = smtp.get("from") or settings.DEFAULT_FROM_EMAIL
        domain = sender.rsplit("@", 1)[-1].strip(">") or "vik.localhost"
        message_id = outbound_message_id(message, domain)
        answered = answered_message_ids(request.pk)
        headers = {"Message-ID": message_id, "X-VIK-Reference": request.reference}
        if interaction.is_automatic:  # RFC 3834: robots must not answer it
            headers["Auto-Submitted"] = "auto-replied"
            headers["X-Auto-Response-Suppress"] = "All"
        if answered:
            headers["In-Reply-To"] = f"<{answered[0]}>"
            headers["References"] = " ".join(f"<{mid}>" for mid in reversed(answered))
        with translation.override(request.language or "cs"):
            subject = f"Re: [{request.reference}] {request.subject}"
        return smtp_deliver(
            message,
            subject=subject,
            body=with_signature(interaction.text, request),
            to=message.recipient,
            sender=sender,
            headers=headers,
            smtp=smtp,
            message_id=message_id,
            # A clerk's Markdown goes formatted too; the plain part keeps the source.
            html=reply_document(
                interaction.text, lang=request.language or "cs", after=signature_html(request)
            )
            if formatted(interaction)
            else "",
        )
