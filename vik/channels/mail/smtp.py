"""SMTP delivery, shared by the channels that speak e-mail (e-mail, and fax through a
gateway's e-mail-to-fax address).

`smtp_deliver` sends one outbound delivery with the interaction's attachments; within
`smtp_connections`, one open connection per server serves a whole batch.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import smtplib
from collections.abc import Iterator, Sequence
from email.utils import formataddr
from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from vik.channels.core.base import DeliveryError
from vik.channels.core.models import MessageReference, OutboundMessage
from vik.core.markdown import reply_html

if TYPE_CHECKING:
    from vik.conversations.models import Interaction, Request


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
    html: str = "",
) -> str:
    """Send one outbound delivery by SMTP with the interaction's attachments, and remember its
    Message-ID, which the caller remembers for the answers and delivery reports that will
    quote it (`remembers_sent_ids`). Shared by the channels that speak e-mail (e-mail, fax
    through a gateway). `html`: a text/html alternative to the plain `body` (a clerk's
    formatted reply, `reply_document`)."""
    interaction = message.interaction
    request = interaction.request
    email = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=formataddr((str(request.centre or ""), sender)) if "<" not in sender else sender,
        to=[to],
        headers=headers,
        connection=_connection(smtp),
    )
    if html:
        email.attach_alternative(html, "text/html")
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


def with_signature(text: str, request: Request) -> str:
    """The text with the centre's signature below it (its name, address, phone, e-mail)."""
    centre = request.centre
    if centre is None:
        return text
    lines = [text, "", "-- ", centre.name]
    lines += [value for value in (centre.address, centre.phone, centre.email) if value]
    return "\n".join(lines)


def formatted(interaction: Interaction) -> bool:
    """Whether the text is a clerk's reply written in Markdown (not VIK's own message)."""
    return bool(interaction.author_id) and not interaction.is_automatic


def reply_document(text: str, *, lang: str, after: SafeString | str = "") -> str:
    """The text/html part of a clerk's reply: the Markdown as the composer's preview shows it
    (`vik.core.markdown`), then `after` (the signature, the tracking link)."""
    return str(
        format_html(
            '<!DOCTYPE html>\n<html lang="{}"><head><meta charset="utf-8"></head>'
            '<body style="font-family: Arial, sans-serif; line-height: 1.5">{}{}</body></html>',
            lang, reply_html(text), after,
        )
    )  # fmt: skip


def signature_html(request: Request) -> SafeString:
    """`with_signature`'s signature as HTML."""
    centre = request.centre
    if centre is None:
        return SafeString("")
    lines = [centre.name, *(v for v in (centre.address, centre.phone, centre.email) if v)]
    return format_html(
        "<p>-- <br>{}</p>", format_html_join(SafeString("<br>"), "{}", ((line,) for line in lines))
    )


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


def answered_message_ids(request_id: int) -> list[str]:
    """The Message-IDs of the citizen's mail that VIK's mail for the request answers (for
    In-Reply-To and References), newest first; read once per batch in `smtp_connections`."""
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
