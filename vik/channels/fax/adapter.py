"""The fax channel: faxes arrive as e-mail from a fax-to-e-mail gateway, replies leave as e-mail
to the gateway's e-mail-to-fax address.

A gateway (HylaFAX's `faxrcvd`, an Asterisk `ReceiveFAX` + mail script, a T.38 gateway, a
multifunction printer) mails each received fax as a PDF or TIFF, with the calling number in a
header, the subject or the body. The raw mail is stored like any e-mail (`vik ingest-mail`, or
IMAP polling of the fax mailbox); `parse` turns it into a message from that number whose text
is the OCR of the pages (`ocr.py`) and whose one attachment is the fax document itself.

No fax is lost: a fax whose text cannot be read is filed with a note saying so and with the
document attached; a fax whose calling number cannot be found is filed for a new contact
without an identity (it cannot be answered by fax, and the clerk sees why). Only a mail that
carries no PDF or TIFF at all goes to quarantine.
"""

from __future__ import annotations

import contextlib
import email.header
import email.parser
import email.policy
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from email.message import Message
from typing import Any

import phonenumbers
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vik.channels.core.base import (
    ChannelAdapter,
    DeliveryError,
    InboundAttachment,
    NormalisedMessage,
    PayloadRejected,
    ThreadHint,
    outbound_message_id,
)
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import InboundPayload, OutboundMessage
from vik.channels.mail.inbound import delivery_report_message, mail_read
from vik.channels.mail.parser import MailAttachment, ParsedMail
from vik.channels.mail.smtp import smtp_connections, smtp_deliver, with_signature
from vik.contacts.choices import IdentityKind
from vik.contacts.identities import InvalidIdentity, normalise
from vik.conversations.models import Request
from vik.core.markdown import reply_plain

from . import ocr

LANGUAGE = "cs"  # the language of the notes VIK writes into a fax's text
SUBJECT = gettext_lazy("Fax from %(number)s")
SUBJECT_UNKNOWN = gettext_lazy("Fax from an unknown number")

# Labels under which gateways give the number the call came from, most trustworthy first.
# Caller ID comes from the telephone network; the TSI ("transmitting subscriber
# identification") is what the sending machine was set up to say about itself.
CALLER_ID_LABELS = (
    "caller-id", "callerid", "caller id", "caller-id-number", "callid1", "cidnumber",
    "cid number", "calling number", "calling-number", "calling party", "ani",
    "fax-caller-id", "fax-callerid", "asterisk-callerid", "číslo volajícího", "volající",
)  # fmt: skip
STATION_ID_LABELS = (
    "tsi", "sender", "remote id", "remote-id", "remote station id", "remote-station-id",
    "station id", "fax-tsi", "fax-remote-id", "remotestationid", "odesílatel",
)  # fmt: skip
NAME_LABELS = ("callid2", "cidname", "cid name", "caller name", "caller-name", "fax-caller-name")
UNKNOWN_NUMBERS = frozenset({"", "unknown", "anonymous", "private", "withheld", "restricted"})

_LABEL = re.compile(r"^[ \t>*-]*([^\s:=][^:=\n]{0,40}?)[ \t]*[:=][ \t]*(.*?)[ \t]*$", re.MULTILINE)
_PHONE_LIKE = re.compile(r"\+?\d[\d \t\-/.()]{4,22}\d")
_SUBJECT_NUMBER = re.compile(
    r"\b(?:fax|facsimile)\b[^\n]*?\b(?:from|od|z)\b\s*[\"'<(]?\s*"
    r"(\+?\d[\d \-/.()]{4,22}\d)",
    re.IGNORECASE,
)
_LOCAL_PART_NUMBER = re.compile(r"^(?:fax|tel|phone)?[-_.]?(\+?\d{6,16})$", re.IGNORECASE)
REFERENCE = re.compile(r"\b([A-Z]{2,4}-\d{4}-\d{6})\b")


@dataclass(frozen=True)
class CallingNumber:
    """The calling number (E.164) or '' when no usable one was found; where it was found;
    the caller's name or station id when the gateway gave one."""

    number: str
    source: str
    name: str = ""


# --- inbound ----------------------------------------------------------------------------------


class FaxAdapter(ChannelAdapter):
    kind = ChannelKind.FAX
    # An automatic acknowledgement by fax costs a call and answers junk faxes too; an account
    # can ask for it ({"acknowledge": true}).
    acknowledges_by_default = False

    def parse(self, payload: InboundPayload) -> NormalisedMessage:
        fax_settings = fax_settings_of(payload.account.settings or {})
        raw, parsed = mail_read(payload)
        if parsed.bounce is not None:  # our mail to the gateway came back
            return delivery_report_message(parsed, payload)
        documents = fax_documents(parsed.attachments)
        if not documents:
            raise PayloadRejected("the fax message carries no PDF or TIFF")
        caller = calling_number(raw, parsed, fax_settings)
        with translation.override(LANGUAGE):  # the notes OCR writes into the text, too
            read = read_documents(documents_to_read(documents), fax_settings)
            text = fax_text(read, caller)
            subject = str(
                SUBJECT % {"number": display_number(caller.number)}
                if caller.number
                else SUBJECT_UNKNOWN
            )
        return NormalisedMessage(
            sender_identities=[(IdentityKind.PHONE, caller.number)] if caller.number else [],
            sender_name=caller.name,
            subject=subject,
            text=text,
            occurred_at=payload.received_at,  # when the office received it
            language=LANGUAGE,
            attachments=[
                InboundAttachment(d.filename, d.content_type, d.content) for d in documents
            ],
            # A citizen who faxes back our printed reply sends its reference along.
            thread=ThreadHint(reference=_reference_in(text)),
            external_id=parsed.message_id,
        )

    remembers_sent_ids = True

    def delivering(
        self, messages: Sequence[OutboundMessage] = ()
    ) -> contextlib.AbstractContextManager[None]:
        return smtp_connections()

    def reply_recipient(self, request: Request) -> str | None:
        phone = request.requester.identities.filter(kind=IdentityKind.PHONE).first()
        return phone.value if phone else None

    def send(self, message: OutboundMessage) -> str:
        """E-mail the reply to the gateway's e-mail-to-fax address (HylaFAX `faxmail` and most
        gateways render a text/plain body, and PDF attachments, as fax pages)."""
        account, interaction = message.account, message.interaction
        request = interaction.request
        fax_settings = fax_settings_of(account.settings or {})
        to = gateway_address(str(fax_settings.get("send_to", "")), message.recipient)
        smtp: dict[str, Any] = account.settings.get("smtp", {}) if account.settings else {}
        sender = smtp.get("from") or settings.DEFAULT_FROM_EMAIL
        domain = sender.rsplit("@", 1)[-1].strip(">") or "vik.localhost"
        message_id = outbound_message_id(message, domain)
        headers = {"Message-ID": message_id, "X-VIK-Reference": request.reference}
        if interaction.is_automatic:
            headers["Auto-Submitted"] = "auto-replied"
        # The reference leads the page, so that a fax sent back on our paper finds its request.
        # A fax page prints the text as it is: the clerk's Markdown without its markup.
        body = f"[{request.reference}]\n\n" + with_signature(reply_plain(interaction.text), request)
        return smtp_deliver(
            message,
            subject=f"[{request.reference}] {request.subject}",
            body=body,
            to=to,
            sender=sender,
            headers=headers,
            smtp=smtp,
            message_id=message_id,
        )


def fax_settings_of(account_settings: dict[str, Any]) -> dict[str, Any]:
    raw = account_settings.get("fax") if isinstance(account_settings, dict) else None
    return raw if isinstance(raw, dict) else {}


def _ocr_seconds(fax_settings: dict[str, Any]) -> float:
    """The OCR time budget: as configured, but inside the processing lease (a payload whose
    processing outlives its lease is taken over by another worker and read twice)."""
    lease = float(getattr(settings, "VIK_STALE_CLAIM_SECONDS", 120))
    return min(float(fax_settings.get("ocr_seconds", ocr.SECONDS)), lease * 0.75)


def read_documents(
    documents: list[InboundAttachment], fax_settings: dict[str, Any]
) -> list[ocr.OcrResult]:
    """OCR each document within one time budget for the whole fax."""
    deadline = time.monotonic() + _ocr_seconds(fax_settings)
    results = []
    for document in documents:
        results.append(
            ocr.document_text(
                document.content,
                document.content_type,
                max_pages=int(fax_settings.get("ocr_max_pages", ocr.MAX_PAGES)),
                seconds=max(deadline - time.monotonic(), 1.0),
                page_seconds=float(fax_settings.get("ocr_page_seconds", ocr.PAGE_SECONDS)),
            )
        )
    return results


def _reference_in(text: str) -> str:
    match = REFERENCE.search(text)
    return match.group(1) if match else ""


# --- the document -----------------------------------------------------------------------------


def fax_documents(attachments: Iterable[MailAttachment]) -> list[InboundAttachment]:
    """The PDF and TIFF files of the mail, with their proper content type (a gateway may label
    them application/octet-stream); the gateway's logos and text parts are left out."""
    found: list[InboundAttachment] = []
    for item in attachments:
        kind = ocr.document_kind(item.content_type, item.filename, item.content[:8])
        if kind is None or not item.content:
            continue
        content_type = "application/pdf" if kind == ocr.PDF else "image/tiff"
        filename = item.filename or ("fax.pdf" if kind == ocr.PDF else "fax.tif")
        found.append(InboundAttachment(filename, content_type, item.content))
    return found


def documents_to_read(documents: list[InboundAttachment]) -> list[InboundAttachment]:
    """Gateways that attach both a PDF and a TIFF send one fax in two formats: read the PDFs."""
    pdfs = [d for d in documents if d.content_type == "application/pdf"]
    return pdfs or documents


def fax_text(results: list[ocr.OcrResult], caller: CallingNumber) -> str:
    """'Fax, 3 strany' (and who sent it when unknown), then the text of the pages."""
    pages = sum(result.pages for result in results)
    first = ngettext("Fax, %(pages)d page", "Fax, %(pages)d pages", pages) % {"pages": pages}
    lines = [first if pages else _("Fax")]
    if not caller.number:
        lines.append(_("The calling number is not known: this fax cannot be answered by fax."))
    body = "\n\n".join(result.text for result in results if result.text)
    return "\n".join(lines) + ("\n\n" + body if body else "")


# --- the calling number -----------------------------------------------------------------------


def calling_number(raw: bytes, parsed: ParsedMail, fax_settings: dict[str, Any]) -> CallingNumber:
    """The number the fax came from, E.164, by the most trustworthy source that gives a valid
    one: caller ID (header fields, then body lines), the sending station's id (TSI), the
    subject ("Fax received from …"), the sender's address (fax-567123456@gateway)."""
    fields = _fields(raw, parsed.text)
    own = {_number_or_empty(str(n), fax_settings) for n in _as_list(fax_settings.get("number"))}
    own.discard("")
    names = [value for label, value in fields if label in NAME_LABELS]
    names += [value for label, value in fields if label in STATION_ID_LABELS]
    name = next((_station_name(value) for value in names if _station_name(value)), "")

    def candidates() -> Iterator[tuple[str, str]]:
        for labels, source in ((CALLER_ID_LABELS, "caller-id"), (STATION_ID_LABELS, "tsi")):
            for label, value in fields:
                if label in labels:
                    yield value, f"{source} ({label})"
        subject = _SUBJECT_NUMBER.search(parsed.subject)
        if subject:
            yield subject.group(1), "subject"
        if parsed.sender and "@" in parsed.sender.address:
            local = _LOCAL_PART_NUMBER.match(parsed.sender.address.rsplit("@", 1)[0])
            if local:
                yield local.group(1), "from"

    for value, source in candidates():
        number = _number_or_empty(value, fax_settings)
        if number and number not in own:
            return CallingNumber(number, source, name)
    return CallingNumber("", "", name)


def _fields(raw: bytes, body: str) -> list[tuple[str, str]]:
    """(label, value) of the gateway's own header fields (X-…, the prefix dropped: standard
    fields such as Sender name mailboxes, not fax stations) and of the body's 'Label: value'
    lines; labels lower-cased."""
    found: list[tuple[str, str]] = []
    try:
        headers: Message = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(
            raw
        )
        items = list(headers.items())
    except Exception:  # parse_mail already accepted the message; be as lenient as it is
        items = []
    for name, value in items:
        label = str(name).strip().lower()
        if label.startswith("x-"):
            found.append((label[2:], _decoded(value)))
    for match in _LABEL.finditer(body[:20000]):
        found.append((" ".join(match.group(1).lower().split()), match.group(2)))
    return found


def _decoded(value: Any) -> str:
    try:
        return str(email.header.make_header(email.header.decode_header(str(value))))
    except Exception:
        return str(value)


def _number_or_empty(value: str, fax_settings: dict[str, Any]) -> str:
    """The first phone number in `value`, E.164, or '' (none, withheld, invalid)."""
    value = value.strip().strip("\"'")
    if value.lower() in UNKNOWN_NUMBERS:
        return ""
    match = _PHONE_LIKE.search(value)
    if not match:
        return ""
    digits = match.group(0)
    prefix = str(fax_settings.get("trunk_prefix", ""))  # the PBX's line prefix, e.g. "0"
    compact = re.sub(r"[^\d+]", "", digits)
    if prefix and compact.startswith(prefix) and not compact.startswith("+"):
        without = compact[len(prefix) :]
        if not (prefix == "0" and without.startswith("0")):  # "00…" is international
            digits = without
    try:
        return normalise(IdentityKind.PHONE, digits)
    except InvalidIdentity:
        return ""


def _station_name(value: str) -> str:
    """A TSI or caller name that is a name (letters), not a number."""
    value = " ".join(value.strip().strip("\"'").split())
    return (
        value[:100]
        if re.search(r"[^\W\d_]", value) and value.lower() not in UNKNOWN_NUMBERS
        else ""
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def display_number(e164: str) -> str:
    """'+420 567 123 456' for people; the E.164 form if it cannot be formatted."""
    try:
        return str(
            phonenumbers.format_number(
                phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
        )
    except phonenumbers.NumberParseException:
        return e164


# --- outbound ---------------------------------------------------------------------------------


def gateway_address(template: str, recipient: str) -> str:
    """The gateway's e-mail-to-fax address for one number: `settings.fax.send_to` with
    {number} (420567123456), {national} (567123456), {international} (00420567123456) or
    {e164} (+420567123456)."""
    if not template:
        raise DeliveryError(
            "the fax account has no settings.fax.send_to (the gateway's e-mail-to-fax address)",
            permanent=True,
        )
    try:
        parsed = phonenumbers.parse(recipient, None)
    except phonenumbers.NumberParseException as error:
        raise DeliveryError(
            f"{recipient!r} is not a fax number: {error}", permanent=True
        ) from error
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    values = {
        "number": e164.lstrip("+"),
        "national": phonenumbers.national_significant_number(parsed),
        "international": "00" + e164.lstrip("+"),
        "e164": e164,
    }
    try:
        address = template.format(**values)
    except (KeyError, IndexError, ValueError) as error:
        raise DeliveryError(
            f"settings.fax.send_to {template!r} is not a valid template: {error}", permanent=True
        ) from error
    if address.count("@") != 1:
        raise DeliveryError(
            f"settings.fax.send_to gives {address!r}, not an e-mail address", permanent=True
        )
    return address
