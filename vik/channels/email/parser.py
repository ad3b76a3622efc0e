"""Raw RFC 5322 bytes → what VIK needs from one e-mail: who, thread hints, text, attachments,
and whether a human wrote it.

Pure and defensive on purpose: the e-mail channel stores the raw message first and parses it in
a task, so one hostile or broken message must end as a `ParsedMail` with its problems listed in
`defects` (or, if it is no mail at all, as `MailUnparseable` → quarantine), never as an
exception that stops a batch. The stdlib `email` package builds the MIME tree
(`BytesParser(policy=email.policy.default)`, retried with `compat32` when its header
machinery raises); header values, charsets, transfer encodings and parameters are decoded
here (see `charsets.py`) because the stdlib either raises on or silently mangles the mislabelled
Czech mail we receive. Bounces are recognised in `bounces.py`.
"""

from __future__ import annotations

import email.generator
import email.parser
import email.policy
import email.utils
import hashlib
import io
import mimetypes
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage, Message
from typing import Any, cast

from .bounces import AUTO_REPLY_FIELDS, BounceReport, auto_reply_reason, detect_bounce
from .charsets import (
    body_text,
    clean_text,
    decode_bytes,
    decode_words,
    first_id,
    header_text,
    html_to_text,
    id_list,
    meta_charset,
    parse_date,
    parse_params,
    safe_filename,
    to_bytes,
    transfer_decode,
)

try:  # optional: unpacks Outlook's winmail.dat when installed
    from tnefparse import TNEF
except ImportError:  # pragma: no cover - depends on the environment
    TNEF = None

__all__ = [
    "BounceReport",
    "MailAddress",
    "MailAttachment",
    "MailUnparseable",
    "ParsedMail",
    "describe",
    "idempotency_key",
    "parse_mail",
]

MAX_DEPTH = 20  # nesting of multiparts and forwarded messages
MAX_PARTS = 500  # MIME parts per message, forwarded ones included
MAX_IDS = 100  # Message-IDs kept from References (the first one and the last 99)
FALLBACK = "parser fallback"  # prefix of the defect recorded when only headers could be read


@dataclass(frozen=True)
class MailAddress:
    """One mailbox of From/To/Cc/Reply-To; `address` is '' when only a name was readable."""

    name: str
    address: str


@dataclass(frozen=True)
class MailAttachment:
    """A file of the message; inline images (`cid:`) too, so that the HTML can be shown."""

    filename: str
    content_type: str
    content: bytes
    content_id: str
    is_inline: bool

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class ParsedMail:
    """Everything VIK uses from one message; problems met on the way are in `defects`."""

    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    sender: MailAddress | None
    reply_to: tuple[MailAddress, ...]
    to: tuple[MailAddress, ...]
    cc: tuple[MailAddress, ...]
    subject: str
    date: datetime | None
    text: str
    html: str
    attachments: tuple[MailAttachment, ...]
    forwarded: tuple[ParsedMail, ...]
    calendar: str
    auto_reply: str
    bounce: BounceReport | None
    headers: dict[str, str]
    defects: tuple[str, ...]


class MailUnparseable(ValueError):
    """The input is not an e-mail message at all (empty, or no header fields)."""


# --- entry points ---------------------------------------------------------------------------


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse one message. Raises only `MailUnparseable`, for input that is not a mail."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise MailUnparseable(f"expected bytes, got {type(raw).__name__}")
    data = _LEADING_BLANK_LINES.sub(b"", bytes(raw))
    if not data.strip():
        raise MailUnparseable("empty input: no header fields and no body")
    tree_defects: list[str] = []
    msg = _parse_tree(data, tree_defects)
    if msg is None or not any(name.strip() for name, _ in msg.raw_items()):
        raise MailUnparseable(
            "no header fields: the input does not begin with 'Name: value' lines, "
            "so it is not an e-mail message"
        )
    try:
        parsed = _build(msg, 0, _Budget())
    except Exception as exc:  # a bug or a stdlib surprise must not stop the mailbox
        return _headers_only(data, f"{FALLBACK}: {type(exc).__name__}: {exc}"[:300])
    if tree_defects:
        parsed = _with_defects(parsed, tree_defects)
    return parsed


def idempotency_key(raw: bytes) -> str:
    """A key that is equal for the same message however it reached us (pipe or IMAP).

    The Message-ID when there is one; otherwise a hash of the message without the trace
    fields the delivering servers put on top (Return-Path, Delivered-To, Received, ...),
    with line endings normalised, because those are what differs between two deliveries.
    """
    data = _LEADING_BLANK_LINES.sub(b"", bytes(raw).replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
    fields, end = _scan_header_fields(data)
    for name, value, _start in fields:
        if name == "message-id":
            message_id = first_id(header_text(value.decode("ascii", "surrogateescape"), []))
            if message_id:
                key = f"mid:{message_id}"
                if len(key) <= 255:
                    return key
                return "mid-sha256:" + hashlib.sha256(message_id.encode()).hexdigest()
            break
    start = next((s for name, _v, s in fields if name not in _TRACE_FIELDS), end if fields else 0)
    return "sha256:" + hashlib.sha256(data[start:].rstrip(b"\n") + b"\n").hexdigest()


def describe(parsed: ParsedMail) -> dict[str, Any]:
    """What VIK makes of a message, JSON-serialisable, for `vik mail parse FILE --json`."""

    def address(a: MailAddress | None) -> dict[str, str] | None:
        return None if a is None else {"name": a.name, "address": a.address}

    return {
        "message_id": parsed.message_id,
        "in_reply_to": list(parsed.in_reply_to),
        "references": list(parsed.references),
        "sender": address(parsed.sender),
        "reply_to": [address(a) for a in parsed.reply_to],
        "to": [address(a) for a in parsed.to],
        "cc": [address(a) for a in parsed.cc],
        "subject": parsed.subject,
        "date": parsed.date.isoformat() if parsed.date else None,
        "text": parsed.text,
        "html_length": len(parsed.html),
        "attachments": [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "content_id": a.content_id,
                "is_inline": a.is_inline,
            }
            for a in parsed.attachments
        ],
        "forwarded": [
            {"subject": f.subject, "sender": address(f.sender), "message_id": f.message_id}
            for f in parsed.forwarded
        ],
        "calendar_length": len(parsed.calendar),
        "auto_reply": parsed.auto_reply,
        "bounce": None
        if parsed.bounce is None
        else {**asdict(parsed.bounce), "recipients": list(parsed.bounce.recipients)},
        "headers": dict(parsed.headers),
        "defects": list(parsed.defects),
    }


# --- the MIME tree --------------------------------------------------------------------------

_LEADING_BLANK_LINES = re.compile(rb"\A(?:[ \t]*\r?\n)+")


def _parse_tree(data: bytes, defects: list[str]) -> Message | None:
    """The stdlib's MIME tree; `compat32` when the modern header classes raise on this input,
    headers only when the structure is nested too deeply for the parser's recursion."""
    for policy in (email.policy.default, email.policy.compat32):
        try:
            return email.parser.BytesParser(policy=policy).parsebytes(data)
        except RecursionError:
            defects.append("MIME structure nested too deeply for the parser; body not read")
            break
        except Exception as exc:  # the stdlib raises assorted types on hostile headers
            defects.append(f"e-mail parser failed ({type(exc).__name__}: {exc}); retried"[:300])
    try:
        return email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
            data, headersonly=True
        )
    except Exception:
        return None


@dataclass
class _Budget:
    """Shared by a message and everything forwarded in it, so nesting cannot multiply work."""

    parts: int = 0
    exhausted: bool = False


@dataclass
class _Walk:
    defects: list[str]
    budget: _Budget
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)
    forwarded: list[ParsedMail] = field(default_factory=list)
    calendar: list[str] = field(default_factory=list)
    dsn: list[str] = field(default_factory=list)
    original_headers: list[str] = field(default_factory=list)


class _Headers:
    """The header fields of one message or part, looked up case-insensitively; each value is
    unfolded and its raw 8-bit bytes decoded on first use (not RFC 2047: callers decide)."""

    def __init__(self, msg: Message, defects: list[str]) -> None:
        self._raw: dict[str, list[str]] = {}
        for name, value in msg.raw_items():
            self._raw.setdefault(str(name).strip().lower(), []).append(str(value))
        self._defects = defects

    def __contains__(self, name: str) -> bool:
        return name in self._raw

    def all(self, name: str) -> list[str]:
        return [header_text(v, self._defects, name=name) for v in self._raw.get(name, ())]

    def get(self, name: str) -> str:
        values = self._raw.get(name)
        return header_text(values[0], self._defects, name=name) if values else ""


def _build(msg: Message, depth: int, budget: _Budget) -> ParsedMail:
    defects: list[str] = []
    headers = _Headers(msg, defects)
    state = _Walk(defects, budget)
    _walk(msg, headers, depth, state)
    subject = clean_text(
        " ".join(decode_words(headers.get("subject"), defects, name="subject").split())
    )
    senders = _addresses(headers.all("from"), defects)
    text = "\n".join(state.plain) if state.plain else html_to_text("\n".join(state.html), defects)
    text = text.lstrip("\n").rstrip()
    _, ctype_params = parse_params(headers.get("content-type"), defects)
    report_type = ctype_params.get("report-type", "").strip().lower()
    sender = senders[0] if senders else None
    to = _addresses(headers.all("to"), defects)
    bounce = detect_bounce(
        sender=headers.get("from"),
        null_sender=headers.get("return-path").strip() == "<>",
        subject=subject,
        report_type=report_type,
        dsn_texts=state.dsn,
        original_headers=state.original_headers,
        attached_ids=[f.message_id for f in state.forwarded if f.message_id],
        body=text,
        failed_recipients=headers.get("x-failed-recipients"),
        original_id_header=first_id(headers.get("x-original-message-id")),
        own_addresses=[a.address for a in (*to, *senders)] + [first_id(headers.get("return-path"))],
    )
    return ParsedMail(
        message_id=first_id(headers.get("message-id")),
        in_reply_to=id_list(" ".join(headers.all("in-reply-to")), MAX_IDS),
        references=id_list(" ".join(headers.all("references")), MAX_IDS),
        sender=sender,
        reply_to=_addresses(headers.all("reply-to"), defects),
        to=to,
        cc=_addresses(headers.all("cc"), defects),
        subject=subject,
        date=parse_date(headers.get("date"), defects),
        text=text,
        html="\n".join(state.html),
        attachments=tuple(state.attachments),
        forwarded=tuple(state.forwarded),
        calendar=state.calendar[0] if state.calendar else "",
        auto_reply=auto_reply_reason(
            {name: headers.get(name) for name in AUTO_REPLY_FIELDS if name in headers},
            subject,
            bounce,
            report_type,
        ),
        bounce=bounce,
        headers={
            label: clean_text(decode_words(headers.get(label.lower()), defects, name=label))
            for label in _DIAGNOSTIC_HEADERS
            if label.lower() in headers
        },
        defects=tuple(dict.fromkeys(defects))[:100],
    )


def _walk(
    part: Message, headers: _Headers, depth: int, state: _Walk, in_related: bool = False
) -> None:
    """Sort one MIME part (and its children) into body text, attachments, forwards, reports."""
    state.budget.parts += 1
    if state.budget.parts > MAX_PARTS:
        if not state.budget.exhausted:
            state.defects.append(f"more than {MAX_PARTS} MIME parts; the rest ignored")
            state.budget.exhausted = True
        return
    if depth > MAX_DEPTH:
        state.defects.append(f"MIME parts nested deeper than {MAX_DEPTH}; ignored")
        return
    state.defects.extend(_stdlib_defect(d) for d in getattr(part, "defects", ()))
    ctype, cparams = _content_type(headers, state.defects)
    # The stdlib keeps a leaf's undecoded body (8-bit bytes as surrogates) or a list of
    # sub-messages in `_payload`; `get_payload()` would re-parse headers on every call.
    payload = getattr(part, "_payload", None)
    if isinstance(payload, list):
        children = [c for c in payload if isinstance(c, Message)]
        if ctype == "message/delivery-status":
            fields = to_bytes("\n\n".join(_raw_header_block(c) for c in children))
            state.dsn.append(body_text(fields, "", state.defects, "delivery-status"))
        elif ctype in _FORWARDED_TYPES and children:
            _forward(children[0], headers, depth, state)
        elif ctype.startswith("message/") and children:  # MDN, ARF: keep, do not thread
            name = _default_name(len(state.attachments) + 1, "message/rfc822")
            raw = _serialise(children[0], state.defects)
            state.attachments.append(MailAttachment(name, ctype, raw, "", False))
        elif ctype == "multipart/alternative":
            _alternative(children, depth, state)
        else:
            for child in children:
                child_headers = _Headers(child, state.defects)
                _walk(child, child_headers, depth + 1, state, ctype == "multipart/related")
        return
    cte = headers.get("content-transfer-encoding")
    data = transfer_decode(payload if isinstance(payload, str) else "", cte, state.defects)
    disposition, dparams = parse_params(headers.get("content-disposition"), state.defects)
    filename = safe_filename(dparams.get("filename") or cparams.get("name", ""), state.defects)
    charset = cparams.get("charset", "")
    if ctype == "text/calendar":
        state.calendar.append(body_text(data, charset, state.defects, "calendar"))
        if disposition != "attachment":
            return
    elif ctype == "text/rfc822-headers":
        state.original_headers.append(body_text(data, charset, state.defects, "rfc822-headers"))
        return
    elif ctype in _FORWARDED_TYPES:
        sub = _parse_tree(data, state.defects)
        if sub is not None:
            _forward(sub, headers, depth, state, filename)
            return
    elif ctype in _TNEF_TYPES or filename.lower() == "winmail.dat":
        _tnef(data, filename, state)
        return
    body_like = ctype in ("text/plain", "text/html") or ctype.startswith("multipart/")
    if body_like and disposition != "attachment" and not filename:
        if ctype == "text/html":
            state.html.append(body_text(data, charset or meta_charset(data), state.defects, "html"))
        else:
            state.plain.append(body_text(data, charset, state.defects, "text"))
        return
    content_id = first_id(headers.get("content-id"))
    inline = bool(content_id) and (disposition == "inline" or (not disposition and in_related))
    name = filename or _default_name(len(state.attachments) + 1, ctype)
    state.attachments.append(MailAttachment(name, ctype, data, content_id, inline))


def _alternative(children: list[Message], depth: int, state: _Walk) -> None:
    """multipart/alternative: the first plain version for `text`, the last HTML for `html`;
    attachments and calendars of every version are kept."""
    saved = state.plain, state.html
    versions: list[tuple[list[str], list[str]]] = []
    for child in children:
        state.plain, state.html = [], []
        _walk(child, _Headers(child, state.defects), depth + 1, state)
        versions.append((state.plain, state.html))
    state.plain, state.html = saved
    state.plain.extend(next((plain for plain, _ in versions if plain), []))
    state.html.extend(next((h for _, h in reversed(versions) if h), []))


def _forward(sub: Message, headers: _Headers, depth: int, state: _Walk, filename: str = "") -> None:
    """An attached message: parsed into `forwarded`, and kept as an .eml attachment."""
    cte = headers.get("content-transfer-encoding").strip().lower()
    if cte in ("base64", "quoted-printable"):  # not allowed by RFC 2046, sent anyway
        inner = getattr(sub, "_payload", "")
        raw = transfer_decode(inner if isinstance(inner, str) else "", cte, state.defects)
        reparsed = _parse_tree(raw, state.defects)
        sub = reparsed if reparsed is not None else sub
    if depth + 1 > MAX_DEPTH:
        state.defects.append(f"forwarded messages nested deeper than {MAX_DEPTH}; kept as files")
    else:
        state.forwarded.append(_build(sub, depth + 1, state.budget))
    name = filename or _default_name(len(state.attachments) + 1, "message/rfc822")
    content_id = first_id(headers.get("content-id"))
    state.attachments.append(
        MailAttachment(name, "message/rfc822", _serialise(sub, state.defects), content_id, False)
    )


def _serialise(msg: Message, defects: list[str]) -> bytes:
    buffer = io.BytesIO()
    try:
        generator = email.generator.BytesGenerator(buffer, mangle_from_=False, policy=_SERIALISE)
        generator.flatten(cast(EmailMessage, msg))
    except Exception as exc:  # the generator re-reads headers and can trip on broken ones
        defects.append(f"attached message could not be re-serialised ({type(exc).__name__})")
        payload = getattr(msg, "_payload", "")
        return (_raw_header_block(msg) + "\n\n").encode("ascii", "surrogateescape") + to_bytes(
            payload if isinstance(payload, str) else ""
        )
    return buffer.getvalue()


_SERIALISE = email.policy.default.clone(
    cte_type="8bit", refold_source="none", linesep="\n", max_line_length=0
)
_FORWARDED_TYPES = frozenset({"message/rfc822", "message/global", "message/news"})
_TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})


def _tnef(data: bytes, filename: str, state: _Walk) -> None:
    """Outlook's winmail.dat: unpacked with tnefparse when it is installed, else kept whole."""
    name = filename or "winmail.dat"
    if TNEF is None:
        state.defects.append("winmail.dat (TNEF) kept as a file: tnefparse is not installed")
        state.attachments.append(MailAttachment(name, "application/ms-tnef", data, "", False))
        return
    try:
        tnef = TNEF(data, do_checksum=False)
        found: list[MailAttachment] = []
        for index, item in enumerate(tnef.attachments, start=1):
            item_name = safe_filename(_any_text(item.long_filename(), state.defects), state.defects)
            item_name = item_name or _default_name(index, "application/octet-stream")
            guessed = mimetypes.guess_type(item_name)[0] or "application/octet-stream"
            found.append(MailAttachment(item_name, guessed, bytes(item.data or b""), "", False))
        body = _any_text(tnef.body, state.defects)
        html_body = _any_text(tnef.htmlbody, state.defects)
    except Exception as exc:  # third-party decoder on hostile input
        state.defects.append(f"winmail.dat (TNEF) could not be unpacked ({type(exc).__name__})")
        state.attachments.append(MailAttachment(name, "application/ms-tnef", data, "", False))
        return
    if not (found or body or html_body):  # nothing readable: never drop what the sender sent
        state.defects.append("winmail.dat (TNEF) had nothing readable; kept as a file")
        state.attachments.append(MailAttachment(name, "application/ms-tnef", data, "", False))
        return
    state.attachments.extend(found)
    if body and not state.plain:
        state.plain.append(body)
    if html_body and not state.html:
        state.html.append(html_body)


# --- decoding helpers -----------------------------------------------------------------------


def _content_type(headers: _Headers, defects: list[str]) -> tuple[str, dict[str, str]]:
    raw = headers.get("content-type")
    if not raw:
        return "text/plain", {}
    main, params = parse_params(raw, defects)
    main = "".join(main.split())
    if main.count("/") != 1 or main.startswith("/") or main.endswith("/"):
        defects.append(f"invalid Content-Type {main[:60]!r}; read as text/plain")
        return "text/plain", params
    return main, params


def _any_text(value: object, defects: list[str]) -> str:
    if isinstance(value, bytes | bytearray):
        return body_text(bytes(value), "", defects, "winmail.dat").strip("\x00")
    return clean_text(str(value)) if value else ""


def _default_name(index: int, content_type: str) -> str:
    extension = mimetypes.guess_extension(content_type, strict=False) or ".bin"
    return f"priloha-{index}{extension}"


def _raw_header_block(msg: Message) -> str:
    return "\n".join(f"{name}: {value}" for name, value in msg.raw_items())


def _stdlib_defect(defect: object) -> str:
    """A stdlib defect as text; it may quote raw 8-bit bytes, which it holds as surrogates."""
    detail = to_bytes(str(defect)).decode("utf-8", "replace").replace("\x00", "")
    name = type(defect).__name__
    return f"{name}: {detail}"[:300] if detail and detail != name else name


_LOOSE_ADDRESS = re.compile(r"[^\s<>,;:\"()]+@[^\s<>,;:\"()]+")


def _addresses(values: list[str], defects: list[str]) -> tuple[MailAddress, ...]:
    """Addresses of one kind of field, display names decoded after the list is split (an
    encoded comma must not split a name)."""
    result: list[MailAddress] = []
    for value in values:
        try:
            pairs = email.utils.getaddresses([value])
        except Exception as exc:  # historic stdlib bugs on odd quoting
            defects.append(f"address list not parseable ({type(exc).__name__})")
            pairs = []
        if not any(addr for _, addr in pairs) and "@" in value:
            pairs = [("", m.group(0)) for m in _LOOSE_ADDRESS.finditer(value)]
        for name, addr in pairs[:500]:
            name = " ".join(decode_words(name, defects, name="address").split()).strip("'\" ")
            addr = "".join(addr.split()).strip("<>")
            if addr and "@" not in addr and len(addr.split()) > 1:
                name, addr = name or addr, ""
            if name or addr:
                result.append(MailAddress(clean_text(name), clean_text(addr)))
    return tuple(result)


#: Fields copied into `ParsedMail.headers` so that an administrator sees why a message was
#: judged an auto-reply, a list message, or a loop.
_DIAGNOSTIC_HEADERS = (
    "Return-Path",
    "Auto-Submitted",
    "Precedence",
    "X-Mailer",
    "List-Id",
    "Delivered-To",
    "X-Loop",
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Response-Suppress",
    "List-Unsubscribe",
    "X-Failed-Recipients",
)


# --- raw header scanning (idempotency and the last-resort fallback) -------------------------

_HEADER_START = re.compile(rb"^(From |[\041-\071\073-\176]*:|[\t ])")
_TRACE_FIELDS = frozenset(
    {"return-path", "delivered-to", "received", "x-original-to", "envelope-to", "delivery-date"}
)


def _scan_header_fields(data: bytes) -> tuple[list[tuple[str, bytes, int]], int]:
    """`([(lower-case name, unfolded value, start offset)], end of header)` of LF-only data,
    ending the header where the stdlib parser does (blank line or a line that is no field)."""
    fields: list[tuple[str, bytes, int]] = []
    position = 0
    while position < len(data):
        end = data.find(b"\n", position)
        end = len(data) if end < 0 else end
        line = data[position:end]
        if not line or not _HEADER_START.match(line):
            break
        if line[:1] in b" \t" and fields:
            field_name, field_value, start = fields[-1]
            fields[-1] = (field_name, field_value + line, start)
        elif not line.startswith(b"From ") and b":" in line:
            raw_name, _, raw_value = line.partition(b":")
            lower_name = raw_name.strip().lower().decode("ascii", "replace")
            fields.append((lower_name, raw_value, position))
        position = end + 1
    return fields, position


def _headers_only(data: bytes, reason: str) -> ParsedMail:
    """Last resort when building the full result failed: subject, ids and the raw body text."""
    normal = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    fields, end = _scan_header_fields(normal)
    defects = [reason]
    values: dict[str, str] = {}
    for name, value, _ in fields:
        values.setdefault(name, header_text(value.decode("ascii", "surrogateescape"), defects))
    return ParsedMail(
        message_id=first_id(values.get("message-id", "")),
        in_reply_to=id_list(values.get("in-reply-to", ""), MAX_IDS),
        references=id_list(values.get("references", ""), MAX_IDS),
        sender=None,
        reply_to=(),
        to=(),
        cc=(),
        subject=clean_text(" ".join(decode_words(values.get("subject", ""), defects).split())),
        date=None,
        text=clean_text(decode_bytes(normal[end:], "", defects)),
        html="",
        attachments=(),
        forwarded=(),
        calendar="",
        auto_reply="",
        bounce=None,
        headers={},
        defects=tuple(defects),
    )


def _with_defects(parsed: ParsedMail, extra: list[str]) -> ParsedMail:
    return replace(parsed, defects=tuple(dict.fromkeys([*extra, *parsed.defects])))
