"""Header fields of a message or part, its address lists, and the raw header scan that the
idempotency key and the last-resort fallback read without any MIME parser."""

from __future__ import annotations

import email.utils
import re
from email.message import Message

from ..charsets import decode_words, header_text
from ..mime import clean_text, parse_params
from .results import MailAddress


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


def _raw_header_block(msg: Message) -> str:
    return "\n".join(f"{name}: {value}" for name, value in msg.raw_items())


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
