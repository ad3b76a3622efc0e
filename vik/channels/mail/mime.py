"""MIME parameters (RFC 2045 + RFC 2231), part bodies under their transfer encodings, file
names, Message-IDs and dates of real-world mail. Like `charsets.py`, whose decoding they use,
these functions never raise: what they had to guess or drop goes to the `defects` list."""

from __future__ import annotations

import binascii
import email.utils
import re
import unicodedata
from datetime import UTC, datetime

from .charsets import MAX_HEADER_CHARS, b64decode, decode_bytes, decode_words, to_bytes

# --- MIME parameters (RFC 2045 + RFC 2231) ------------------------------------------------

_PCT = re.compile(rb"%([0-9A-Fa-f]{2})")
_SECTION = re.compile(r"^(.*?)\*(\d{1,3})(\*?)$")


def split_header_params(value: str) -> list[str]:
    """Split `type; a=b; c="d;e"` at semicolons outside quoted strings."""
    if '"' not in value:  # no quoted string: every semicolon splits
        return value.split(";")
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value.strip('"')


def parse_params(value: str, defects: list[str]) -> tuple[str, dict[str, str]]:
    """`(main value lower-cased, {param: decoded value})` of Content-Type/-Disposition.

    RFC 2231 extended and continued parameters (`filename*0*=utf-8''%C5%BE...`) are joined
    as bytes and decoded with their charset; plain values are returned unquoted.
    """
    pieces = split_header_params(value[:MAX_HEADER_CHARS])
    main = pieces[0].strip().lower()
    plain: dict[str, str] = {}
    sections: dict[str, dict[int, tuple[bool, str]]] = {}
    for piece in pieces[1:]:
        key, sep, val = piece.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            continue
        if key.endswith("*") and not _SECTION.match(key):
            sections.setdefault(key[:-1], {})[0] = (True, val.strip())
            continue
        section = _SECTION.match(key)
        if section:
            base, number, star = section.groups()
            sections.setdefault(base, {})[int(number)] = (bool(star), val.strip())
            continue
        plain.setdefault(key, _unquote(val))
    params = dict(plain)
    for base, parts in sections.items():
        params[base] = _join_rfc2231(parts, defects, base)
    return main, params


def _join_rfc2231(parts: dict[int, tuple[bool, str]], defects: list[str], name: str) -> str:
    charset = ""
    chunks: list[bytes] = []
    for index in sorted(parts):
        encoded, val = parts[index]
        val = _unquote(val)
        if encoded:
            if index == sorted(parts)[0] and val.count("'") >= 2:
                charset, _lang, val = val.split("'", 2)
            raw = val.encode("ascii", "surrogateescape") if val.isascii() else to_bytes(val)
            chunks.append(_PCT.sub(lambda m: bytes([int(m.group(1), 16)]), raw))
        else:
            chunks.append(to_bytes(val))
    return decode_bytes(b"".join(chunks), charset or "utf-8", defects, what=f"parameter {name}")


# --- bodies, names, identifiers ----------------------------------------------------------


def transfer_decode(payload: str, cte: str, defects: list[str]) -> bytes:
    """The bytes of a part body (as the parser stores it) under its Content-Transfer-Encoding."""
    data = to_bytes(payload)
    cte = cte.strip().lower()
    if cte == "base64":
        return b64decode(data)
    if cte == "quoted-printable":
        return binascii.a2b_qp(data)
    if cte in ("x-uuencode", "uuencode", "x-uue", "uue"):
        return _uudecode(data, defects)
    if cte and cte not in ("7bit", "8bit", "binary"):
        defects.append(f"unknown Content-Transfer-Encoding {cte[:40]!r}; body taken as is")
    return data


def _uudecode(data: bytes, defects: list[str]) -> bytes:
    out = bytearray()
    inside = False
    for line in data.splitlines():
        if not inside:
            inside = line.startswith(b"begin ")
        elif line.strip() in (b"end", b"`"):
            break
        elif line.strip():
            try:
                out += binascii.a2b_uu(line)
            except binascii.Error:
                defects.append("broken uuencoded line skipped")
    return bytes(out)


def body_text(data: bytes, charset: str, defects: list[str], what: str) -> str:
    """Decoded text with LF line endings and no NUL characters."""
    text = decode_bytes(data, charset, defects, what=what)
    return clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_text(text: str) -> str:
    """Drop NUL characters: PostgreSQL text cannot store them and no human writes them."""
    return text.replace("\x00", "") if "\x00" in text else text


def meta_charset(data: bytes) -> str:
    """The charset an HTML body declares in a <meta> tag, for parts that declare none."""
    match = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]{1,40})", data[:4096], re.I)
    return match.group(1).decode("ascii") if match else ""


def safe_filename(value: str, defects: list[str]) -> str:
    """A decoded, display- and storage-safe file name ('' if none): RFC 2047 inside quotes is
    decoded too, directories and control/bidi characters are dropped, macOS NFD → NFC."""
    if not value:
        return ""
    name = decode_words(value, defects, name="filename")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return unicodedata.normalize("NFC", " ".join(name.split()).strip(" ."))[:255]


_ID_IN_BRACKETS = re.compile(r"<([^<>]*)>")


def first_id(value: str) -> str:
    """The first Message-ID in a field, without <> and whitespace ('' if none)."""
    match = _ID_IN_BRACKETS.search(value)
    ident = match.group(1) if match else value
    return "".join(ident.split())[:998]


def id_list(value: str, limit: int) -> tuple[str, ...]:
    """Message-IDs of In-Reply-To/References, without repeats; of more than `limit`, the first
    (the thread's root) and the last ones (the nearest parents) are kept."""
    found = [m.group(1) for m in _ID_IN_BRACKETS.finditer(value)]
    if not found:
        found = [token for token in re.split(r"[\s,]+", value) if "@" in token]
    ids = tuple(dict.fromkeys(i for i in ("".join(f.split())[:998] for f in found) if i))
    return ids if len(ids) <= limit else ids[:1] + ids[-(limit - 1) :]


def parse_date(value: str, defects: list[str]) -> datetime | None:
    """An aware datetime of a Date field (UTC when the zone is unknown), None if unreadable."""
    if not value.strip():
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except Exception:  # ValueError, TypeError, IndexError, OverflowError across versions
        defects.append(f"unreadable Date {value[:60]!r}")
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
