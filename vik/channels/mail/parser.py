"""Raw RFC 5322 bytes → what VIK needs from one e-mail: who, thread hints, text, attachments,
and whether a human wrote it.

Pure and defensive on purpose: the e-mail channel stores the raw message first and parses it in
a task, so one hostile or broken message must end as a `ParsedMail` with its problems listed in
`defects` (or, if it is no mail at all, as `MailUnparseable` → quarantine), never as an
exception that stops a batch. The MIME tree is the one the stdlib's `email` parser builds with
`policy=compat32` (no header objects; `_TreeBuilder` builds the same tree several times
faster, and leaves anything unusual to the stdlib parser itself); header values, charsets,
transfer encodings and parameters are decoded here (see `charsets.py`) because the stdlib
either raises on or silently mangles the mislabelled Czech mail we receive. Bounces are
recognised in `bounces.py`.
"""

from __future__ import annotations

import bisect
import contextlib
import email.generator
import email.parser
import email.policy
import email.utils
import hashlib
import io
import itertools
import mimetypes
import multiprocessing
import os
import re
import resource
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from email import errors
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
    """The MIME tree, as the stdlib's `compat32` parser builds it (see `_TreeBuilder`, also for
    the one way it reads a malformed boundary parameter better); headers only when the
    structure is nested too deeply for the parser's recursion."""
    with contextlib.suppress(Exception):  # _Unsupported, or a bug: the stdlib parser decides
        return _TreeBuilder(data.decode("ascii", "surrogateescape")).parse()
    try:
        return email.parser.BytesParser(policy=_COMPAT32).parsebytes(data)
    except RecursionError:
        defects.append("MIME structure nested too deeply for the parser; body not read")
    except Exception as exc:  # the stdlib raises assorted types on hostile headers
        defects.append(f"e-mail parser failed ({type(exc).__name__}: {exc}); retried"[:300])
    try:
        return email.parser.BytesParser(policy=_COMPAT32).parsebytes(data, headersonly=True)
    except Exception:
        return None


_COMPAT32 = email.policy.compat32
#: email.feedparser's line patterns: a header or continuation line, and a bare line break.
_HEADER_LINE = re.compile(r"^(From |[\041-\071\073-\176]*:|[\t ])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_ENDS = frozenset({"", "\n", "\r", "\r\n"})
#: Deeper structures are left to the stdlib parser, which decides when its recursion fails.
_MAX_TREE_DEPTH = 100


def _modern_boundary(msg: Message, fallback: str | None) -> str | None:
    """The boundary as `email.policy.default` reads it (`fallback` if its parser raises)."""
    probe = Message(policy=email.policy.default)
    probe._headers = msg._headers  # type: ignore[attr-defined]
    try:
        return probe.get_boundary()
    except Exception:  # the modern header parser on hostile input
        return fallback


class _Unsupported(Exception):
    """A state the tree builder leaves to the stdlib parser (it never occurs in real mail)."""


def _eol_length(line: str) -> int:
    """Length of the line break that ends `line` (feedparser's `NLCRE_eol`, without its scan
    of the whole string)."""
    if line.endswith("\r\n"):
        return 2
    return 1 if line.endswith(("\n", "\r")) else 0


def _boundary(line: str, separator: str) -> tuple[bool, str] | None:
    """feedparser's `boundaryre.match(line)` for `separator` ('--' + boundary), without
    compiling a regular expression per boundary: `(is the close boundary, line break)`."""
    if not line.startswith(separator):
        return None
    rest = line[len(separator) :]
    if rest.startswith("--"):
        tail = rest[2:].lstrip(" \t")
        if tail in _LINE_ENDS:
            return True, tail
        return None
    tail = rest.lstrip(" \t")
    return (False, tail) if tail in _LINE_ENDS else None


class _TreeBuilder:
    """`email.parser.BytesParser(policy=compat32).parsebytes()` for a complete message.

    The same tree, headers, payloads, preambles, epilogues and defects as CPython 3.11's
    `email.feedparser.FeedParser` (its `_parsegen` and `BufferedSubFile`, mirrored step by step
    below), without what makes that parser slow on whole messages: a generator resumed per
    line, every line tested against every enclosing boundary, a regular expression compiled
    per boundary and an end-of-line search over each whole payload. Here the input is split
    into lines once and a body is sliced up to the next line that can end it (only lines that
    begin with '--' can be a boundary). States real mail never reaches raise `_Unsupported`,
    and the caller then runs the stdlib parser itself.

    One deliberate difference: where compat32's reading of a malformed `boundary` parameter
    finds no part, the modern header parser's reading (`email.policy.default`, what VIK used
    before) is taken, so that the body is split wherever either of them can split it.
    """

    def __init__(self, text: str) -> None:
        # StringIO(newline="") splits at \r\n, \r and \n, as BufferedSubFile does.
        self._lines = io.StringIO(text, newline="").readlines()
        self._pos = 0
        self._pushed: list[str] = []  # unread lines that are not the previous line
        self._eof: list[str | None] = []  # separators; None: a blank line (delivery-status)
        self._dashes: list[int] | None = None  # indices of the lines that begin with '--'
        self._stack: list[Message] = []
        self._cur: Message | None = None
        self._last: Message | None = None
        self._depth = 0

    def parse(self) -> Message:
        self._parsegen()
        root = self._pop_message()
        if root.get_content_maintype() == "multipart" and not root.is_multipart():
            root.defects.append(errors.MultipartInvariantViolationDefect())
        return root

    # --- BufferedSubFile ---

    def _at_eof(self, line: str) -> bool:
        for separator in self._eof:
            if separator is None:
                if line.startswith(("\r", "\n")):
                    return True
            elif _boundary(line, separator) is not None:
                return True
        return False

    def _readline(self) -> str:
        if self._pushed:
            line = self._pushed.pop()
            if self._eof and self._at_eof(line):
                self._pushed.append(line)
                return ""
            return line
        if self._pos >= len(self._lines):
            return ""
        line = self._lines[self._pos]
        if self._eof and self._at_eof(line):
            return ""
        self._pos += 1
        return line

    def _unreadline(self, line: str) -> None:
        if not self._pushed and self._pos and self._lines[self._pos - 1] == line:
            self._pos -= 1
        else:
            self._pushed.append(line)

    def _scan(self, separator: str | None = None) -> int:
        """Index of the next line that is an EOF or (given) a `separator` boundary."""
        lines, start = self._lines, self._pos
        if not self._eof and separator is None:
            return len(lines)
        if None in self._eof:
            for index in range(start, len(lines)):
                line = lines[index]
                if self._at_eof(line) or (separator and _boundary(line, separator)):
                    return index
            return len(lines)
        if self._dashes is None:
            dashed = map(str.startswith, lines, itertools.repeat("--"))
            self._dashes = list(itertools.compress(itertools.count(), dashed))
        dashes = self._dashes
        for k in range(bisect.bisect_left(dashes, start), len(dashes)):
            line = lines[dashes[k]]
            if self._at_eof(line) or (separator and _boundary(line, separator)):
                return dashes[k]
        return len(lines)

    def _read_rest(self) -> list[str]:
        """Every line up to the (false) EOF: `for line in BufferedSubFile`."""
        out: list[str] = []
        while self._pushed:
            line = self._readline()
            if line == "":
                return out
            out.append(line)
        end = self._scan()
        out.extend(self._lines[self._pos : end])
        self._pos = end
        return out

    # --- FeedParser ---

    def _new_message(self) -> Message:
        msg = Message(policy=_COMPAT32)
        if self._cur and self._cur.get_content_type() == "multipart/digest":
            msg.set_default_type("message/rfc822")
        if self._stack:
            self._stack[-1].attach(msg)
        self._stack.append(msg)
        self._cur = msg
        self._last = msg
        return msg

    def _pop_message(self) -> Message:
        msg = self._stack.pop()
        self._cur = self._stack[-1] if self._stack else None
        return msg

    def _parsegen(self) -> None:
        self._depth += 1
        if self._depth > _MAX_TREE_DEPTH:
            raise _Unsupported("nested too deeply")
        msg = self._new_message()
        headers: list[str] = []
        while True:
            line = self._readline()
            if line == "":
                break
            if not _HEADER_LINE.match(line):
                if not _LINE_BREAK.match(line):
                    msg.defects.append(errors.MissingHeaderBodySeparatorDefect())
                    self._unreadline(line)
                break
            headers.append(line)
        self._parse_headers(msg, headers)
        ctype = msg.get_content_type()
        if ctype == "message/delivery-status":
            self._delivery_status()
        elif ctype.partition("/")[0] == "message":
            self._parsegen()
            self._pop_message()
        elif ctype.partition("/")[0] == "multipart":
            self._multipart(msg)
        else:
            msg.set_payload("".join(self._read_rest()))
        self._depth -= 1

    def _delivery_status(self) -> None:
        while True:
            self._eof.append(None)
            self._parsegen()
            self._pop_message()
            self._eof.pop()
            self._readline()
            line = self._readline()
            if line == "":
                break
            self._unreadline(line)

    def _opens(self, separator: str) -> bool:
        """Whether the loop of `_multipart` would meet a first boundary `separator` (and not a
        close boundary or the end of the part before it)."""
        for line in reversed(self._pushed):
            if line == "" or (self._eof and self._at_eof(line)):
                return False
            match = _boundary(line, separator)
            if match is not None:
                return not match[0]
        end = self._scan(separator)
        if end >= len(self._lines) or self._at_eof(self._lines[end]):
            return False
        match = _boundary(self._lines[end], separator)
        return match is not None and not match[0]

    def _multipart(self, msg: Message) -> None:
        boundary = msg.get_boundary()
        if boundary is None or not self._opens("--" + boundary):
            # compat32 and the modern header parser read a malformed parameter differently:
            # compat32 keeps `boundary=----=_Part_1` whole, the modern parser drops a comment
            # after it. Where compat32's reading finds no part, the modern one decides.
            boundary = _modern_boundary(msg, boundary)
        if boundary is None:
            msg.defects.append(errors.NoBoundaryInMultipartDefect())
            msg.set_payload("".join(self._read_rest()))
            return
        if str(msg.get("content-transfer-encoding", "8bit")).lower() not in (
            "7bit",
            "8bit",
            "binary",
        ):
            msg.defects.append(errors.InvalidMultipartContentTransferEncodingDefect())
        separator = "--" + boundary
        capturing_preamble = True
        preamble: list[str] = []
        linesep = ""
        close_boundary_seen = False
        while True:
            if capturing_preamble and not self._pushed:
                end = self._scan(separator)
                preamble.extend(self._lines[self._pos : end])
                self._pos = end
            line = self._readline()
            if line == "":
                break
            match = _boundary(line, separator)
            if match is None:
                if not capturing_preamble:
                    raise _Unsupported("feedparser asserts here")
                preamble.append(line)
                continue
            if match[0]:
                close_boundary_seen = True
                linesep = match[1]
                break
            if capturing_preamble:
                if preamble:
                    cut = _eol_length(preamble[-1])
                    if cut:
                        preamble[-1] = preamble[-1][:-cut]
                    msg.preamble = "".join(preamble)
                capturing_preamble = False
                self._unreadline(line)
                continue
            while True:  # repeated boundary lines make no parts
                line = self._readline()
                if _boundary(line, separator) is None:
                    self._unreadline(line)
                    break
            self._eof.append(separator)
            self._parsegen()
            last = cast(Message, self._last)
            if last.get_content_maintype() == "multipart":
                epilogue = last.epilogue
                if epilogue == "":
                    last.epilogue = None
                elif epilogue is not None:
                    cut = _eol_length(epilogue)
                    if cut:
                        last.epilogue = epilogue[:-cut]
            elif isinstance(last._payload, str):  # type: ignore[attr-defined]
                cut = _eol_length(last._payload)  # type: ignore[attr-defined]
                if cut:
                    last._payload = last._payload[:-cut]  # type: ignore[attr-defined]
            self._eof.pop()
            self._pop_message()
            self._last = self._cur
        if capturing_preamble:
            msg.defects.append(errors.StartBoundaryNotFoundDefect())
            msg.set_payload("".join(preamble))
            self._read_rest()
            msg.epilogue = ""
            return
        if not close_boundary_seen:
            msg.defects.append(errors.CloseBoundaryNotFoundDefect())
            return
        epilogue_lines = [""] if linesep else []
        epilogue_lines.extend(self._read_rest())
        if epilogue_lines:
            first = epilogue_lines[0]
            match_break = _LINE_BREAK.match(first)
            if match_break:
                epilogue_lines[0] = first[match_break.end() :]
        msg.epilogue = "".join(epilogue_lines)

    def _parse_headers(self, msg: Message, lines: list[str]) -> None:
        lastheader = ""
        lastvalue: list[str] = []
        for lineno, line in enumerate(lines):
            if line[0] in " \t":
                if not lastheader:
                    msg.defects.append(errors.FirstHeaderLineIsContinuationDefect(line))
                    continue
                lastvalue.append(line)
                continue
            if lastheader:
                msg.set_raw(*_COMPAT32.header_source_parse(lastvalue))
                lastheader, lastvalue = "", []
            if line.startswith("From "):
                if lineno == 0:
                    cut = _eol_length(line)
                    msg.set_unixfrom(line[:-cut] if cut else line)
                    continue
                if lineno == len(lines) - 1:
                    self._unreadline(line)
                    return
                msg.defects.append(errors.MisplacedEnvelopeHeaderDefect(line))
                continue
            colon = line.find(":")
            if colon == 0:
                msg.defects.append(errors.InvalidHeaderDefect("Missing header name."))
                continue
            if colon < 0:
                raise _Unsupported("feedparser asserts here")
            lastheader = line[:colon]
            lastvalue = [line]
        if lastheader:
            msg.set_raw(*_COMPAT32.header_source_parse(lastvalue))


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


# tnefparse trusts the lengths and counts inside the file: a damaged 8 KB winmail.dat made it
# allocate 24 GB for minutes. It therefore runs in a child process with a memory and time
# budget; winmail.dat is rare enough that the fork does not matter.
TNEF_MEMORY_BYTES = 512 * 1024 * 1024
TNEF_MEMORY_PER_BYTE = 20
TNEF_SECONDS = 20.0

_TnefResult = tuple[list[tuple[Any, bytes]], Any, Any]


class TnefTooCostly(Exception):
    """Unpacking the winmail.dat exceeded its memory or time budget."""


def _tnef_unpack(data: bytes) -> _TnefResult:
    """(attachments as (long file name, content), body, HTML body) of a winmail.dat, decoded
    by tnefparse in a forked child limited to a memory and a time budget."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    budget = max(TNEF_MEMORY_BYTES, TNEF_MEMORY_PER_BYTE * len(data))
    child = context.Process(target=_tnef_child, args=(data, sender, budget), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(TNEF_SECONDS):
            raise TnefTooCostly(f"no result within {TNEF_SECONDS:.0f} s")
        outcome, *result = receiver.recv()
    except EOFError as error:  # the child died (out of memory, killed)
        raise TnefTooCostly("the decoder died") from error
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome != "ok":
        raise TnefTooCostly(str(result[0]))
    items, body, html_body = result
    return items, body, html_body


def _tnef_child(data: bytes, sender: Any, budget: int) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (_address_space() + budget,) * 2)
        tnef = TNEF(data, do_checksum=False)
        items = [(item.long_filename(), bytes(item.data or b"")) for item in tnef.attachments]
        sender.send(("ok", items, tnef.body, tnef.htmlbody))
    except BaseException as error:  # MemoryError included: report it, never raise in a fork
        with contextlib.suppress(Exception):
            sender.send(("error", f"{type(error).__name__}: {error}"[:300]))
    finally:
        sender.close()
        os._exit(0)


def _address_space() -> int:
    """This process's current virtual memory size in bytes (the child's limit adds to it)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _tnef(data: bytes, filename: str, state: _Walk) -> None:
    """Outlook's winmail.dat: unpacked with tnefparse when it is installed, else kept whole."""
    name = filename or "winmail.dat"
    if TNEF is None:
        state.defects.append("winmail.dat (TNEF) kept as a file: tnefparse is not installed")
        state.attachments.append(MailAttachment(name, "application/ms-tnef", data, "", False))
        return
    try:
        items, raw_body, raw_html = _tnef_unpack(data)
        found: list[MailAttachment] = []
        for index, (raw_name, content) in enumerate(items, start=1):
            item_name = safe_filename(_any_text(raw_name, state.defects), state.defects)
            item_name = item_name or _default_name(index, "application/octet-stream")
            guessed = mimetypes.guess_type(item_name)[0] or "application/octet-stream"
            found.append(MailAttachment(item_name, guessed, content, "", False))
        body = _any_text(raw_body, state.defects)
        html_body = _any_text(raw_html, state.defects)
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


# One mailbox in its common forms, `a@b.cz`, `Name <a@b.cz>`, `"Name" <a@b.cz>`, for which
# `email.utils.getaddresses` returns `[(name, address)]` as read here: atoms and phrase words
# are runs of anything but specials and white space (Python's: an atom that `str.strip()`
# empties is dropped there), phrase words are joined with one space. Anything else is left to
# `getaddresses`; tests/test_parser_fastpaths.py checks the two agree.
_ATOM = r'[^\s()<>@,:;."\[\]]+'
_PHRASE_WORD = r'[^\s()<>@,:;"\[\]]+'
_ADDR_SPEC = rf"{_ATOM}(?:\.{_ATOM})*@{_ATOM}(?:\.{_ATOM})*"
_SIMPLE_MAILBOX = re.compile(
    rf'[ \t]*(?:"(?P<quoted>[^"\\\r\n]*)"|(?P<words>{_PHRASE_WORD}(?:[ \t]+{_PHRASE_WORD})*))?'
    rf"[ \t]*<(?P<routed>{_ADDR_SPEC})>[ \t]*"
    rf"|[ \t]*(?P<bare>{_ADDR_SPEC})[ \t]*"
)
_BLANKS = re.compile(r"[ \t]+")


def _simple_pair(match: re.Match[str]) -> tuple[str, str]:
    if match["bare"] is not None:
        return "", match["bare"]
    if match["words"] is not None:
        return " ".join(_BLANKS.split(match["words"])), match["routed"]
    return match["quoted"] or "", match["routed"]


def _addresses(values: list[str], defects: list[str]) -> tuple[MailAddress, ...]:
    """Addresses of one kind of field, display names decoded after the list is split (an
    encoded comma must not split a name)."""
    result: list[MailAddress] = []
    for value in values:
        simple = _SIMPLE_MAILBOX.fullmatch(value)
        if simple:
            pairs = [_simple_pair(simple)]
        else:
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
