"""Mail a machine wrote: bounces (RFC 3464 delivery-status reports and the common
non-standard ones) and auto-replies (RFC 3834 and practice).

A bounce tells VIK that one of its replies did not arrive; the request timeline must show it
with the reason, and no acknowledgement may ever be sent back to the mailer-daemon. RFC 3464
reports carry machine-readable fields; many mail servers (Exim, qmail, old Exchange, hosted
filters) still send only prose with the original message quoted below it. For those we read
what the prose reliably contains: a failed address, an enhanced status code, and the quoted
Message-ID of the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BounceReport:
    """Why and for whom a message VIK sent was not delivered."""

    original_message_id: str
    recipients: tuple[str, ...]
    status: str
    action: str
    diagnostic: str


#: How mail systems sign their reports, in the address or the display name.
_DAEMON = re.compile(
    r"(?<![\w.-])(mailer-?daemon|mail-daemon|post_?master|mdaemon|"
    r"mail[ ._-]delivery[ ._-](system|subsystem|service))(?![\w-])",
    re.I,
)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|returned mail|returning (message|to sender)|delivery (status )?notification|"
    r"fail|could not be delivered|mail delivery|delivery problem|"
    r"non remis|nicht zustellbar|unzustellbar|nedoru[cč]iteln|nedoru[cč]en|bounce|"
    r"delayed|warning: could not|mail system error|non recapitabile|delivery error",
    re.IGNORECASE,
)
_RECIPIENT_FIELDS = frozenset({"final-recipient", "original-recipient"})
_DELAY = re.compile(r"delay|still being retried|not yet been delivered|will retry", re.I)
_ADDRESS = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
_STATUS = re.compile(r"(?<![\d.])([45]\.\d{1,3}\.\d{1,3})(?!\.?\d)")
_MESSAGE_ID_LINE = re.compile(r"^[>| \t]*Message-ID:[ \t]*<?([^\s<>]+)>?", re.I | re.M)
_SMTP_AND_STATUS = re.compile(r"(?<![\d.])[45]\d\d[ -]#?[45]\.\d{1,3}\.\d{1,3}")
_SMTP_CODE = re.compile(r"(?<![\d.])[45]\d\d[ -]")
_REASON = re.compile(
    r"unknown|not found|no such|does not exist|"
    r"doesn't exist|full|quota|rejected|refused|denied|disabled|invalid|blocked|timed? ?out|"
    r"not recognized|unable to deliver|unavailable|did not reach|failed",
    re.I,
)
#: Lines after which the bounce quotes the original message (its addresses are not failures).
_FRAMING = r"[\s\-=_*|#]*"
_ORIGINAL_MARKER = re.compile(
    # a line that is only a heading such as "----- Original message -----" ...
    rf"^{_FRAMING}(original message|original message headers|returned message|"
    rf"undelivered message|forwarded message|message headers|headers of the original message|"
    rf"bounced e-?mail|message text){_FRAMING}:?{_FRAMING}$"
    # ... or a line that announces the copy below it
    r"|this is a copy of|below this line is a copy|below is a copy of|message headers follow|"
    r"message text follows|original message follows|original mail info|unsent message below|"
    r"original message headers:",
    re.I,
)
_ADDRESS_COLON_LINE = re.compile(rf"^[ \t]*<?({_ADDRESS.pattern})>?:", re.M)
_ADDRESS_ONLY_LINE = re.compile(rf"^[ \t]*<?({_ADDRESS.pattern})>?[ \t]*:?[ \t]*$", re.M)
_HEADER_LINE = re.compile(r"^[>| \t]{0,2}([A-Za-z][A-Za-z0-9-]{1,40}):[ \t]")
_ORIGINAL_HEADERS = frozenset(
    {"received", "return-path", "message-id", "dkim-signature", "mime-version", "content-type"}
)


def is_daemon(sender: str) -> bool:
    """Whether a From value (address or display name) is a mail system's (MAILER-DAEMON,
    postmaster, "Mail Delivery System", ...)."""
    return bool(_DAEMON.search(sender))


def detect_bounce(
    *,
    sender: str,
    null_sender: bool,
    subject: str,
    report_type: str,
    dsn_texts: Sequence[str],
    original_headers: Sequence[str],
    attached_ids: Sequence[str],
    body: str,
    failed_recipients: str,
    original_id_header: str,
    own_addresses: Iterable[str],
) -> BounceReport | None:
    """The bounce report of a message, or None if it is not a bounce.

    A message is a bounce if it carries an RFC 3464 delivery-status part, or if it comes from
    a mail system (MAILER-DAEMON, postmaster, or has Exim's X-Failed-Recipients) AND looks like
    a bounce (subject, quoted original, a failed address or status code). From the null
    sender (`Return-Path: <>`) alone, which vacation replies use too, the subject or a quoted
    original must say so. A human who forwards a bounce to us is not a bounce: their message
    needs an answer. `sender` is the raw From value.
    """
    is_report = bool(dsn_texts) or report_type == "delivery-status"
    daemon = is_daemon(sender)
    failed = _unique(m.group(0) for m in _ADDRESS.finditer(failed_recipients))
    if not (is_report or daemon or failed or null_sender):
        return None  # the common case, decided before reading the body
    exclude = {a.lower() for a in own_addresses if a}
    region = _diagnostic_region(body)
    original_id = (
        original_id_header
        or next(iter(attached_ids), "")
        or _quoted_id("\n".join(original_headers))
    )
    blocks = [block for text in dsn_texts for block in _dsn_blocks(text)]
    if not any(_RECIPIENT_FIELDS & block.keys() for block in blocks):
        # Broken reports (a lost boundary, a text/plain "report") keep the fields in the prose.
        blocks += _dsn_blocks(body)
    recipients, status, action, diagnostic = _from_dsn(blocks)
    per_message_id = next(
        (b["x-original-message-id"] for b in blocks if "x-original-message-id" in b), ""
    )
    original_id = original_id or _strip_id(per_message_id)
    if is_report:
        status = status or _first_status(region)
        return BounceReport(
            original_message_id=original_id or _quoted_id(body),
            recipients=recipients or failed or _prose_recipients(region, exclude),
            status=status,
            action=action or ("delayed" if status.startswith("4") else "failed"),
            diagnostic=diagnostic or _prose_reason(region),
        )
    evidence = failed or _BOUNCE_SUBJECT.search(subject) or attached_ids or original_headers
    if not (evidence or (daemon and _first_status(region))):
        return None
    status = status or _first_status(region) or _first_status(body)
    delayed = status.startswith("4") or bool(_DELAY.search(subject) or _DELAY.search(region))
    return BounceReport(
        original_message_id=original_id or _quoted_id(body),
        recipients=failed or recipients or _prose_recipients(region, exclude),
        status=status,
        action=action or ("delayed" if delayed else "failed"),
        diagnostic=diagnostic or _prose_reason(region),
    )


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        key = item.strip().strip("<>").strip()
        if key:
            seen.setdefault(key.lower(), key)
    return tuple(seen.values())


def _strip_id(value: str) -> str:
    match = re.search(r"<([^<>\s]+)>", value)
    return match.group(1) if match else "".join(value.split()).strip("<>")


def _quoted_id(text: str) -> str:
    match = _MESSAGE_ID_LINE.search(text)
    return match.group(1) if match else ""


def _first_status(text: str) -> str:
    match = _STATUS.search(text)
    return match.group(1) if match else ""


# --- RFC 3464 ----------------------------------------------------------------------------


def _dsn_blocks(text: str) -> list[dict[str, str]]:
    """The field blocks of a message/delivery-status body (per-message, then per-recipient)."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last = ""
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
            current, last = {}, ""
        elif line[0] in " \t" and last:
            current[last] += " " + line.strip()
        elif ":" in line:
            name, _, value = line.partition(":")
            last = name.strip().lower()
            current.setdefault(last, value.strip())
    if current:
        blocks.append(current)
    return blocks


def _typed_value(value: str) -> str:
    """`rfc822; <user@example.cz>` → `user@example.cz`; `smtp; 550 ...` → `550 ...`."""
    if ";" in value:
        value = value.split(";", 1)[1]
    return " ".join(value.split()).strip("<>").strip()


def _from_dsn(blocks: list[dict[str, str]]) -> tuple[tuple[str, ...], str, str, str]:
    """(recipients, status, action, diagnostic) of the first failed recipient (else the first);
    recipients are every Final-Recipient, then every Original-Recipient (the address as the
    sender wrote it, before forwarding), without repeats."""
    recipient_blocks = [b for b in blocks if _RECIPIENT_FIELDS & b.keys()]
    recipients = _unique(
        _typed_value(b.get(name, ""))
        for name in ("final-recipient", "original-recipient")
        for b in recipient_blocks
        if _ADDRESS.search(b.get(name, ""))
    )
    primary = next(
        (b for b in recipient_blocks if b.get("action", "").lower().startswith("failed")),
        next(iter(recipient_blocks), {}),
    )
    status = _first_status(primary.get("status", "")) or _first_status(
        primary.get("diagnostic-code", "")
    )
    if not status:
        match = re.search(r"\d\.\d{1,3}\.\d{1,3}", primary.get("status", ""))
        status = match.group(0) if match else ""
    action = primary.get("action", "").strip().lower().split(" ")[0]
    diagnostic = _typed_value(primary.get("diagnostic-code", ""))[:1000]
    return recipients, status, action, diagnostic


# --- prose bounces -------------------------------------------------------------------------


def _diagnostic_region(body: str) -> str:
    """The part of a bounce's text above the quoted original message (looked for in the
    first 2,000 lines: the explanation of a bounce is never longer)."""
    lines = body.split("\n", 2000)[:2000]
    for index, line in enumerate(lines):
        if _ORIGINAL_MARKER.match(line) or _starts_header_block(lines, index):
            return "\n".join(lines[:index])
    return body


def _starts_header_block(lines: list[str], index: int) -> bool:
    names: list[str] = []
    for line in lines[index : index + 12]:
        match = _HEADER_LINE.match(line)
        if match:
            names.append(match.group(1).lower())
        elif line[:1] in (" ", "\t") and names:
            continue
        else:
            break
    return len(names) >= 3 and bool(_ORIGINAL_HEADERS & set(names))


def _prose_recipients(region: str, exclude: set[str]) -> tuple[str, ...]:
    """Failed addresses stated in prose, most reliable form first: `Final-Recipient:` lines;
    Postfix/qmail's `<user@host>: reason`; a line that is only an address (Exim); else the
    first address that is not the bounce's own sender/recipient, a mail system, or the
    `MAIL FROM` sender."""
    final = [
        _typed_value(m.group(1))
        for m in re.finditer(r"^[> \t]*(?:final|original)-recipient:(.*)$", region, re.I | re.M)
    ]
    if final:
        return _unique(final)
    for pattern in (_ADDRESS_COLON_LINE, _ADDRESS_ONLY_LINE):
        found = [m.group(1) for m in pattern.finditer(region)]
        found = [a for a in found if a.lower() not in exclude and not is_daemon(a)]
        if found:
            return _unique(found)
    for line in region.split("\n"):
        if re.search(r"mail from|^\s*(from|to|cc|reply-to|return-path):", line, re.I):
            continue
        for match in _ADDRESS.finditer(line):
            address = match.group(0).strip(".")
            if address.lower() not in exclude and not is_daemon(address):
                return (address,)
    return ()


_NOT_A_REASON = (
    *("subject:", "to:", "from:", "date:", "status:", "action:", "final-recipient:"),
    *("original-recipient:", "reporting-mta:", "arrival-date:", "remote-mta:"),
)


def _prose_reason(region: str) -> str:
    """The most telling line of a prose bounce: one with an SMTP reply and enhanced status
    code, else either code, else a failure word outside headings like "The following
    address(es) failed:" (the first lines of a bounce are boilerplate)."""
    lines = [" ".join(line.split()) for line in region.split("\n")]
    lines = [text for text in lines if text and not text.lower().startswith(_NOT_A_REASON)]
    for pattern in (_SMTP_AND_STATUS, _STATUS, _SMTP_CODE):
        for text in lines:
            if pattern.search(text):
                return text[:1000]
    for text in lines:
        if _REASON.search(text) and not text.rstrip(" -|#*=").endswith(":"):
            return text[:1000]
    return " ".join(region.split())[:300]


# --- auto-replies --------------------------------------------------------------------------

#: The header fields `auto_reply_reason` reads (lower-case).
AUTO_REPLY_FIELDS = (
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",
    "precedence",
    "list-id",
    "list-unsubscribe",
)
_OUT_OF_OFFICE = re.compile(
    r"\s*(automaticka odpoved|nepritom(en|na|nost)|mimo kancelar|out of (the )?office|"
    r"auto[ -]?reply|automatic reply|auto[ -]?response|abwesenheit|vacation reply)",
    re.I,
)


def auto_reply_reason(
    headers: Mapping[str, str], subject: str, bounce: BounceReport | None, report_type: str
) -> str:
    """Why a message was written by a machine ('' if a human wrote it), after RFC 3834 and
    practice, so that VIK never acknowledges an acknowledgement."""
    if bounce is not None:
        return "delivery status notification"
    if report_type == "disposition-notification":
        return "read receipt (disposition-notification)"
    if report_type == "feedback-report":
        return "feedback report"
    auto = headers.get("auto-submitted", "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    for name, label in (("x-autoreply", "X-Autoreply"), ("x-autorespond", "X-Autorespond")):
        if name in headers and headers[name].strip().lower() not in ("no", "false", "0"):
            return label
    suppress = set(re.split(r"[\s,;]+", headers.get("x-auto-response-suppress", "").lower()))
    if suppress & {"all", "oof", "autoreply"}:
        return "X-Auto-Response-Suppress"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    if "list-id" in headers or "list-unsubscribe" in headers:
        return "mailing list"
    folded = unicodedata.normalize("NFKD", subject)
    if _OUT_OF_OFFICE.match("".join(ch for ch in folded if not unicodedata.combining(ch))):
        return "out-of-office subject"
    return ""
