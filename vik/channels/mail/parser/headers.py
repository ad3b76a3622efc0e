"""Header fields of a message or part, its address lists, and the raw header scan that the
idempotency key and the last-resort fallback read without any MIME parser."""

from __future__ import annotations

import email.utils
import re
from email.message import Message

from ..charsets import decode_words, header_text
from ..mime import clean_text, parse_params
from .results import MAX_DEPTH, MailAddress


class _Headers:
    """The header fields of one message or part, looked up case-insensitively; each value is
    unfolded and its raw 8-bit bytes decoded on first use (not RFC 2047: callers decide)."""

    def __init__(self, msg: Message, defects: list[str]) -> None:
        self._raw: dict[str, list[str]] = {}
        for name, value in msg.raw_items():
            self._raw.setdefault(str(name).strip().lower(), []).append(str(value))
        self._defects = defects
        self._msg = msg
        self._charset: str | None = None

    def __contains__(self, name: str) -> bool:
        return name in self._raw

    def all(self, name: str) -> list[str]:
        hint = self.text_charset
        return [
            header_text(v, self._defects, name=name, charset=hint) for v in self._raw.get(name, ())
        ]

    def get(self, name: str) -> str:
        values = self._raw.get(name)
        if not values:
            return ""
        return header_text(values[0], self._defects, name=name, charset=self.text_charset)

    def text_charset(self) -> str:
        """The charset of the message's first text part ('' if none): mail clients read raw
        8-bit header bytes that are not UTF-8 in it."""
        if self._charset is None:
            self._charset = _text_charset(self._msg)
        return self._charset


def _text_charset(msg: Message) -> str:
    part: Message = msg
    for _ in range(MAX_DEPTH):
        payload = getattr(part, "_payload", None)  # get_payload() would decode it
        if not isinstance(payload, list) or not payload or not isinstance(payload[0], Message):
            break
        part = payload[0]
    try:
        if part.get_content_maintype() != "text":
            return ""
        return str(part.get_param("charset", "") or "")
    except Exception:  # compat32's parameter parser on a hostile header
        return ""


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
# `eve@example.com <frank@example.com>`: an address written as the display name (a phishing
# trick and a webmailer habit) is a name; `getaddresses` reads two mailboxes there.
_ADDRESS_AS_NAME = re.compile(
    r"[ \t]*(?P<name>[^\s<>\",;:()]+@[^\s<>\",;:()]+)[ \t]*<(?P<address>[^<>\s]+@[^<>\s]+)>[ \t]*"
)


def _simple_pair(match: re.Match[str]) -> tuple[str, str]:
    if match["bare"] is not None:
        return "", match["bare"]
    if match["words"] is not None:
        return " ".join(_BLANKS.split(match["words"])), match["routed"]
    return match["quoted"] or "", match["routed"]


# An encoded-word as one opaque atom while a list is split: its text may hold a comma, a quote
# or a dot (`=?iso-8859-1?Q?B=FCrling,=20Andreas?=`), which are no specials inside it (RFC 2047
# section 5), so it must be restored whole into the display name before it is decoded. Blanks
# inside one (which broken mailers write, and mail clients accept) do not end it either.
_LIST_ENCODED_WORD = re.compile(r"=\?[^?\s]{1,64}\?[qQbB]\?[^?<>\r\n]*\?=")
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")


def _protect_words(value: str) -> tuple[str, list[str]]:
    words: list[str] = []

    def hide(match: re.Match[str]) -> str:
        words.append(match.group(0))
        return f"\ue000{len(words) - 1}\ue001"

    return _LIST_ENCODED_WORD.sub(hide, value), words


def _restore_words(text: str, words: list[str]) -> str:
    if "\ue000" not in text:
        return text
    return _PLACEHOLDER.sub(
        lambda m: words[int(m.group(1))] if int(m.group(1)) < len(words) else m.group(0), text
    )


# What VIK accepts as an address to answer: an RFC 5322 addr-spec without comments or folding,
# UTF-8 allowed (RFC 6532); the local part may have the dots of the obsolete syntax
# (`taro.@docomo.ne.jp`, issued by Japanese carriers); the domain is host-name labels or an
# address literal. Anything else a header held is kept as the display name, never as the address.
_ATEXT = r"(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[^\x00-\x7f\s])"
_LETTER = r"(?:[A-Za-z0-9_]|[^\x00-\x7f\s])"
_LABEL = rf"{_LETTER}(?:{_LETTER}|-)*(?<!-)"  # written so that no input makes it backtrack
STRICT_ADDRESS = re.compile(
    rf'(?:\.*{_ATEXT}(?:{_ATEXT}|\.)*|"(?:[^"\\\r\n]|\\.)*")'
    rf"@(?:{_LABEL}(?:\.{_LABEL})*|\[[^\[\]\\\s]*\])"
)
_ADDRESS_TOKENS = re.compile(r'(?:"(?:[^"\\]|\\.)*"?|[^\s"])+')


def _mailbox(name: str, addr: str) -> tuple[str, str]:
    """`(display name, address)` of one pair from the list parser, lenient where mail clients
    are: `Test test@example.com` is the name "Test" and the address; white space inside a quoted
    local part is kept; what is no address at all (`Andreas`, half of an encoded-word) becomes
    the name, so that the address is always one a reply can go to, or empty."""
    addr = addr.strip().strip("<>").strip()
    if not addr:
        return name, ""
    tokens = _ADDRESS_TOKENS.findall(addr) if '"' in addr else addr.split()
    if len(tokens) > 1:
        at = [i for i, token in enumerate(tokens) if "@" in token]
        if at and STRICT_ADDRESS.fullmatch(tokens[at[-1]].strip("<>")):
            rest = " ".join(tokens[: at[-1]] + tokens[at[-1] + 1 :]).strip()
            return name or rest, tokens[at[-1]].strip("<>")
        addr = "".join(tokens)  # `jan . novak @ example.cz`: blanks between the parts
    if STRICT_ADDRESS.fullmatch(addr):
        return name, addr
    for found in _LOOSE_ADDRESS.finditer(addr):
        candidate = found.group(0).strip(".")
        if STRICT_ADDRESS.fullmatch(candidate):
            return name or addr.replace(candidate, "").strip(" .:"), candidate
    return name or " ".join(tokens), ""


def _addresses(values: list[str], defects: list[str]) -> tuple[MailAddress, ...]:
    """Addresses of one kind of field, display names decoded after the list is split (an
    encoded comma must not split a name)."""
    result: list[MailAddress] = []
    for value in values:
        words: list[str] = []
        simple = _SIMPLE_MAILBOX.fullmatch(value)
        if not simple and "=?" in value:
            value, words = _protect_words(value)
            simple = _SIMPLE_MAILBOX.fullmatch(value)
        address_as_name = None if simple else _ADDRESS_AS_NAME.fullmatch(value)
        unbracketed = None if simple or address_as_name else _unbracketed(value)
        if simple:
            pairs = [_simple_pair(simple)]
        elif address_as_name:  # where a reply goes is the address in brackets
            pairs = [(address_as_name["name"], address_as_name["address"])]
        elif unbracketed:
            pairs = [unbracketed]
        else:
            try:
                pairs = email.utils.getaddresses([value])
            except Exception as exc:  # historic stdlib bugs on odd quoting
                defects.append(f"address list not parseable ({type(exc).__name__})")
                pairs = []
        if not any(addr for _, addr in pairs) and "@" in value:
            pairs = [("", m.group(0)) for m in _LOOSE_ADDRESS.finditer(value)]
        mailboxes: list[MailAddress] = []
        for raw_name, raw_addr in pairs[:500]:
            if words:
                raw_name = _restore_words(raw_name, words)
                raw_addr = _restore_words(raw_addr, words)
            name, addr = _mailbox(raw_name, raw_addr)
            name = " ".join(decode_words(name, defects, name="address").split()).strip("'\" ")
            if name or addr:
                mailboxes.append(MailAddress(clean_text(name), clean_text(addr)))
        result += _join_split_names(mailboxes)
    return tuple(result)


def _unbracketed(value: str) -> tuple[str, str] | None:
    """`Test test@example.com`, `jan@example.cz Jan Novák`: one mailbox written without angle
    brackets, its address the only word with an @ (nothing quoted, no comment, no list)."""
    if any(c in value for c in '<>,;"()'):
        return None
    tokens = value.split()
    at = [token for token in tokens if "@" in token]
    if len(tokens) < 2 or len(at) != 1 or not STRICT_ADDRESS.fullmatch(at[0]):
        return None
    return " ".join(token for token in tokens if token != at[0]), at[0]


def _join_split_names(mailboxes: list[MailAddress]) -> list[MailAddress]:
    """`Novák, Jan <jan@example.cz>`: a display name with an unquoted comma (Outlook writes
    them) is split by the list parser into a name without an address and the mailbox after it;
    the two are one mailbox, as the sender meant."""
    if len(mailboxes) < 2 or all(m.address for m in mailboxes):
        return mailboxes
    joined: list[MailAddress] = []
    for mailbox in mailboxes:
        previous = joined[-1] if joined else None
        if previous is not None and not previous.address and mailbox.address and mailbox.name:
            joined[-1] = MailAddress(f"{previous.name}, {mailbox.name}", mailbox.address)
        else:
            joined.append(mailbox)
    return joined


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


#: How far into a message VIK looks for its header fields when it begins with text that is no
#: header field (a forwarded paste that starts `---- Original email message ----`).
MAX_LEADING_LINES = 50
MAX_LEADING_BYTES = 16_384
_FIELD_LINE = re.compile(rb"[\041-\071\073-\176]+[ \t]*:")
_SENDER_OR_SUBJECT = re.compile(rb"(?:from|subject)[ \t]*:", re.IGNORECASE)


def _header_block_start(data: bytes) -> int:
    """Where the header fields begin: 0 when `data` begins with one (or with an mbox `From `
    line), else the offset of the first block of fields within the first lines that has a
    From or Subject field, as mail clients find it; 0 when there is none."""
    first = data[: data.find(b"\n") + 1 or len(data)]
    if _HEADER_START.match(first):
        return 0
    position, lines = 0, 0
    limit = min(len(data), MAX_LEADING_BYTES)
    while position < limit and lines < MAX_LEADING_LINES:
        if _FIELD_LINE.match(data, position):
            block, end = position, position
            found = False
            while end < len(data) and (
                _FIELD_LINE.match(data, end) or data[end : end + 1] in (b" ", b"\t")
            ):
                found = found or bool(_SENDER_OR_SUBJECT.match(data, end))
                newline = data.find(b"\n", end)
                end = len(data) if newline < 0 else newline + 1
            if found:
                return block
            position = end
            continue
        newline = data.find(b"\n", position)
        if newline < 0:
            break
        position, lines = newline + 1, lines + 1
    return 0
