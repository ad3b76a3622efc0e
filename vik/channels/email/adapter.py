"""The e-mail channel: raw RFC 5322 messages in (IMAP or a mail server's pipe), SMTP out.

`parse` turns a stored message into a normalised one: the sender's address, the text, the
attachments, and what ties it to a request (the Message-IDs it answers, the reference in its
subject). It also says when a machine wrote it (auto-replies) and when it is a delivery report
about a message VIK sent (bounces); `vik.channels.core.services` acts on those.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import re
import smtplib
from collections.abc import Iterator, Sequence
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation

from vik.channels.core.base import (
    ChannelAdapter,
    DeliveryError,
    DeliveryReport,
    InboundAttachment,
    NormalisedMessage,
    PayloadRejected,
    ThreadHint,
    outbound_message_id,
)
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import InboundPayload, MessageReference, OutboundMessage
from vik.contacts.choices import IdentityKind
from vik.contacts.identities import InvalidIdentity, normalise
from vik.conversations.models import Request

from .parser import MailUnparseable, ParsedMail, parse_mail

RAW_CONTENT_TYPE = "message/rfc822"
REFERENCE_IN_SUBJECT = re.compile(r"\[([A-Z]{2,4}-\d{4}-\d{6})\]")
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


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
        if payload.metadata.get("oversized"):  # only its header was fetched from IMAP
            raise PayloadRejected(payload.metadata.get("reason", "the message is too large"))
        raw = bytes(payload.body)
        limit = int(payload.account.settings.get("max_bytes", DEFAULT_MAX_BYTES))
        if len(raw) > limit:
            raise PayloadRejected(
                f"The message has {len(raw)} bytes; this account accepts at most {limit}."
            )
        try:
            parsed = parse_mail(raw)
        except MailUnparseable as error:
            raise PayloadRejected(f"This is not an e-mail message: {error}") from error
        if parsed.bounce is not None:
            bounce = parsed.bounce
            return NormalisedMessage(
                sender_identities=[],
                text=parsed.text,
                occurred_at=payload.received_at,
                subject=parsed.subject,
                external_id=parsed.message_id,
                auto_reply="delivery status notification",
                delivery_report=DeliveryReport(
                    original_external_id=bounce.original_message_id,
                    recipients=bounce.recipients,
                    status=bounce.status,
                    reason=bounce.diagnostic,
                    permanent=bounce.action != "delayed" and not bounce.status.startswith("4"),
                ),
            )
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
        answered = _answered(request.pk)
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
            body=_with_signature(interaction.text, request),
            to=message.recipient,
            sender=sender,
            headers=headers,
            smtp=smtp,
            message_id=message_id,
        )


def smtp_deliver(
    message: OutboundMessage,
    *,
    subject: str,
    body: str,
    to: str,
    sender: str,
    headers: dict[str, str],
    smtp: dict[str, Any],
    message_id: str,
) -> str:
    """Send one outbound delivery by SMTP with the interaction's attachments, and remember its
    Message-ID, which the caller remembers for the answers and delivery reports that will
    quote it (`remembers_sent_ids`). Shared by the channels that speak e-mail (e-mail, fax
    through a gateway)."""
    interaction = message.interaction
    request = interaction.request
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=formataddr((str(request.centre or ""), sender)) if "<" not in sender else sender,
        to=[to],
        headers=headers,
        connection=_connection(smtp),
    )
    # An automatic message (an acknowledgement) is VIK's own text and never has attachments.
    for attachment in () if interaction.is_automatic else interaction.attachments.all():
        with attachment.file.open("rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type)
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(f"recipient refused: {error.recipients}", permanent=True) from error
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        _connection_broken(smtp)
        raise DeliveryError(f"SMTP: {error}") from error
    return message_id


def _with_signature(text: str, request: Request) -> str:
    centre = request.centre
    if centre is None:
        return text
    lines = [text, "", "-- ", centre.name]
    lines += [value for value in (centre.address, centre.phone, centre.email) if value]
    return "\n".join(lines)


_open_connections: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "vik_smtp_connections", default=None
)
# Within a batch (`smtp_connections`): request id -> the Message-IDs its outgoing mail answers.
_batch_answered: contextvars.ContextVar[dict[int, list[str]] | None] = contextvars.ContextVar(
    "vik_smtp_answered", default=None
)
ANSWERED_KEPT = 10  # the newest citizen's Message-IDs quoted in References


@contextlib.contextmanager
def smtp_connections(answering: Sequence[int] = ()) -> Iterator[None]:
    """Within the block, one open SMTP connection per server serves every message sent (a
    batch of acknowledgements costs one TLS handshake and login, not one each), and the
    Message-IDs that the mail for the requests `answering` answers are read in one query."""
    if _open_connections.get() is not None:
        yield
        return
    token = _open_connections.set({})
    answered = _batch_answered.set(_answered_of(answering) if answering else None)
    try:
        yield
    finally:
        for connection in (_open_connections.get() or {}).values():
            with contextlib.suppress(Exception):
                connection.close()
        _batch_answered.reset(answered)
        _open_connections.reset(token)


def _answered_of(request_ids: Sequence[int]) -> dict[int, list[str]]:
    """Per request, the Message-IDs of the citizen's mail (not VIK's own), newest first."""
    found: dict[int, list[str]] = {pk: [] for pk in request_ids}
    rows = (
        MessageReference.objects.filter(request_id__in=found, outbound__isnull=True)
        .order_by("request_id", "-created_at", "-pk")
        .values_list("request_id", "message_id")
    )
    for request_id, message_id in rows:
        if len(found[request_id]) < ANSWERED_KEPT:
            found[request_id].append(message_id)
    return found


def _answered(request_id: int) -> list[str]:
    batch = _batch_answered.get()
    if batch is not None and request_id in batch:
        return batch[request_id]
    return _answered_of([request_id])[request_id]


def _connection(smtp: dict[str, Any]) -> Any:
    """The account's own SMTP server, or the installation's default one; the open one of the
    batch (`smtp_connections`) if there is one."""
    pool = _open_connections.get()
    if pool is None:
        return _new_connection(smtp)
    key = json.dumps(smtp, sort_keys=True)
    if key not in pool:
        connection = _new_connection(smtp)
        connection.open()
        pool[key] = connection
    return pool[key]


def _connection_broken(smtp: dict[str, Any]) -> None:
    """After an SMTP error the pooled connection may be unusable: the next message of the
    batch opens a new one."""
    pool = _open_connections.get()
    if pool is not None and (connection := pool.pop(json.dumps(smtp, sort_keys=True), None)):
        with contextlib.suppress(Exception):
            connection.close()


def _new_connection(smtp: dict[str, Any]) -> Any:
    if not smtp.get("host"):
        return get_connection()
    security = smtp.get("security", "starttls")
    return get_connection(
        backend="django.core.mail.backends.smtp.EmailBackend",
        host=smtp["host"],
        port=int(smtp.get("port", 587)),
        username=smtp.get("username", ""),
        password=os.environ.get(smtp.get("password_env", ""), smtp.get("password", "")),
        use_tls=security == "starttls",
        use_ssl=security == "tls",
        timeout=int(smtp.get("timeout", 30)),
    )
