"""What e-mail and fax do alike with a stored mail: read it within the account's size limit,
and turn a bounce of VIK's own mail into a delivery report."""

from __future__ import annotations

from vik.channels.core.base import DeliveryReport, NormalisedMessage, PayloadRejected
from vik.channels.core.models import InboundPayload

from .parser import MailUnparseable, ParsedMail, parse_mail

# The largest message an account accepts unless its settings say otherwise ("max_bytes").
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


def mail_read(payload: InboundPayload) -> tuple[bytes, ParsedMail]:
    """The payload's raw bytes and the mail parsed from them. Raises PayloadRejected (to
    quarantine) for a mail that was too large to fetch or to accept, and for what is no mail."""
    if payload.metadata.get("oversized"):  # only its header was fetched from IMAP
        raise PayloadRejected(payload.metadata.get("reason", "the message is too large"))
    raw = bytes(payload.body)
    limit = int((payload.account.settings or {}).get("max_bytes", DEFAULT_MAX_BYTES))
    if len(raw) > limit:
        raise PayloadRejected(
            f"The message has {len(raw)} bytes; this account accepts at most {limit}."
        )
    try:
        return raw, parse_mail(raw)
    except MailUnparseable as error:
        raise PayloadRejected(f"This is not an e-mail message: {error}") from error


def delivery_report_message(parsed: ParsedMail, payload: InboundPayload) -> NormalisedMessage:
    """A bounce (`parsed.bounce`) as the channel core's delivery report about the message it
    quotes: permanent unless the mail server says it is still trying."""
    bounce = parsed.bounce
    assert bounce is not None
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
