"""From mail bytes to text: charsets and header fields (encoded-words included), for
real-world mail from Czech senders first. MIME parameters, part bodies, file names, ids and
dates are read in `mime.py`, HTML bodies in `html_text.py`, on the same terms.

The standard library decodes what is declared and gives up (or raises) on what is not. Mail
that reaches a Czech municipal office is routinely mislabelled: windows-1250 text declared as
iso-8859-1 or us-ascii, charsets nobody has heard of, raw 8-bit headers, encoded-words split in
the middle of a UTF-8 sequence. Every function here returns text and never raises; when it had
to guess, it says so through the `defects` list it is given, so that `vik mail parse` can show
an administrator why a message reads as it does.
"""

from __future__ import annotations

import binascii
import codecs
import contextlib
import re
from collections.abc import Callable
from functools import lru_cache

#: The order in which we guess when the declared charset is unknown or wrong: UTF-8 is
#: self-validating, windows-1250 is what Czech Windows clients write, iso-8859-2 decodes any
#: byte and is what older Czech Unix mailers write.
FALLBACK_CHARSETS = ("utf-8", "windows-1250", "iso-8859-2")

#: Labels seen in the wild that Python does not know, or knows as something else.
_ALIASES = {
    "cp-1250": "windows-1250",
    "win-1250": "windows-1250",
    "win1250": "windows-1250",
    "windows1250": "windows-1250",
    "x-cp1250": "windows-1250",
    "cp1250": "windows-1250",
    "windows-1250": "windows-1250",
    "latin2": "iso-8859-2",
    "iso8859-2": "iso-8859-2",
    "iso-8859-2": "iso-8859-2",
    "iso_8859-2": "iso-8859-2",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "ascii": "us-ascii",
    "us-ascii": "us-ascii",
    "ansi_x3.4-1968": "us-ascii",
    "iso-8859-1": "iso-8859-1",
    "iso8859-1": "iso-8859-1",
    "latin1": "iso-8859-1",
    "windows-1252": "windows-1252",
    "cp1252": "windows-1252",
    # What mail clients (and the WHATWG Encoding Standard they follow) read under labels that
    # Python does not know.
    "x-sjis": "shift_jis",
    "windows-31j": "cp932",
    "x-euc-jp": "euc_jp",
    "x-gbk": "gb18030",
    "csgb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "x-x-big5": "big5hkscs",
    "windows-874": "cp874",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "iso-8859-6-e": "iso-8859-6",
    "logical": "iso-8859-8",
    "visual": "iso-8859-8",
    "x-mac-roman": "mac_roman",
    "x-mac-ce": "mac_latin2",
    "x-mac-cyrillic": "mac_cyrillic",
    "x-mac-greek": "mac_greek",
    "x-mac-turkish": "mac_turkish",
    "x-mac-icelandic": "mac_iceland",
    "ucs-2": "utf-16-be",
    "iso-10646-ucs-2": "utf-16-be",
    "unicode": "utf-16",
    "viscii": "cp1258",
}

#: Codecs that mail clients read as their superset, because senders declare the old name for
#: text written in the new one: GBK and GB 18030 text declared as GB2312, Windows-949 (UHC) as
#: EUC-KR (ks_c_5601-1987). Each superset reads what its subset can hold as the subset does
#: (GB 18030 differs in two punctuation marks of GB2312, as in the WHATWG Encoding Standard).
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "euc_kr": "cp949"}
#: Tried in turn when a text is not valid in the codec its label names, for codecs whose
#: extensions read some valid text differently: Japanese mailers write JIS X 0212 and
#: half-width katakana inside ISO-2022-JP and NEC/IBM characters (①) inside Shift_JIS
#: (Windows-31J, Outlook's), Taiwanese ones Windows-950 and HKSCS inside Big5.
_ALTERNATIVES = {
    "iso2022_jp": ("iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_3"),
    "shift_jis": ("cp932",),
    "big5": ("cp950", "big5hkscs"),
    "tis-620": ("cp874",),
}
#: 7-bit encodings whose ASCII bytes are not ASCII text: escape sequences switch the character
#: set (ISO-2022, HZ) or `+...-` encodes it (UTF-7).
_STATEFUL_7BIT = ("iso2022", "hz", "utf_7", "utf_16", "utf_32")

#: Labels that name no real charset (`x-user-defined` is what broken webmailers send for
#: "whatever my page was in"), and codecs Python has that are not text encodings of mail.
_MEANINGLESS = frozenset(
    {"x-user-defined", "unknown", "unknown-8bit", "x-unknown", "default", "none", "charset"}
)
_NOT_MAIL_CODECS = frozenset(
    {"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined", "mbcs", "oem"}
)

#: Labels under which Czech windows-1250 text is most often mislabelled.
_WESTERN_LABELS = frozenset({"us-ascii", "iso-8859-1", "windows-1252", ""})
#: Š Ť Ž š ť ž are C1 controls in iso-8859-1: in a "western" part they can only be Czech
#: windows-1250. č ř ě Č Ř Ě are è ø ì È Ø Ì there, which French or Italian text has too.
_SINGLE_BYTE = ("iso-8859", "iso8859", "windows-125", "cp125", "latin", "koi8")
_CP1250_STRONG = re.compile(rb"[\x8a\x8d\x8e\x9a\x9d\x9e]")
_CP1250_WEAK = re.compile(rb"[\xe8\xf8\xec\xc8\xd8\xcc]")
#: Letters of French/German/Italian/Spanish in iso-8859-1 that Czech (and Slovak) never uses
#: in windows-1250 (à â ç ê ë î û ñ ...).
_LATIN1_ONLY = re.compile(rb"[\xe0\xe2\xe7\xea\xeb\xee\xfb\xf1\xc0\xc2\xc7\xca\xcb\xce\xdb\xd1]")


def _looks_czech_cp1250(data: bytes) -> bool:
    """Czech windows-1250 under a western label: a byte only Czech uses, or more č/ř/ě than
    letters only Western European languages use (a French "deuxième à" stays iso-8859-1)."""
    if _CP1250_STRONG.search(data):
        return True
    weak = len(_CP1250_WEAK.findall(data))
    return weak > 0 and weak > len(_LATIN1_ONLY.findall(data))


@lru_cache(maxsize=256)
def normalise_charset(label: str) -> str | None:
    """The Python codec name for a declared charset label, or None if it is unusable."""
    name = label.strip().strip("\"'").lower()
    if not name:
        return ""
    name = _ALIASES.get(name, name)
    if name in _MEANINGLESS or len(name) > 40:
        return None
    info = _lookup(name)
    if info is None:
        # Spellings of a known name: `x-cp1251`, `cp-1252`, `latin-2`, `windows1251`.
        variant = re.sub(r"^x-", "", name)
        variant = re.sub(r"^(cp|windows|latin|ibm)[-_ ]?(\d+)$", r"\1\2", variant)
        info = _lookup(_ALIASES.get(variant, variant))
        if info is None or info.name in _NOT_MAIL_CODECS:
            return None
        return _SUPERSETS.get(info.name, info.name)
    if info.name in _NOT_MAIL_CODECS or not getattr(info, "_is_text_encoding", True):
        return None
    return _SUPERSETS.get(info.name, name)


def _lookup(name: str) -> codecs.CodecInfo | None:
    try:
        return codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None


@lru_cache(maxsize=256)
def _stateful_7bit(name: str) -> bool:
    """Whether ASCII bytes in codec `name` may be something other than ASCII text."""
    info = _lookup(name)
    return info is not None and info.name.replace("-", "_").startswith(_STATEFUL_7BIT)


def decode_bytes(data: bytes, declared: str, defects: list[str], *, what: str = "body") -> str:
    """Decode `data` declared as `declared` (a raw label, '' if none), guessing when needed.

    Why the heuristic for "western" labels: Czech text written in windows-1250 but labelled
    iso-8859-1/us-ascii/windows-1252 decodes without error into the wrong letters (č → è),
    so a decoding failure would never tell us; the telltale bytes do.
    """
    if not data:
        return ""
    if data.isascii():
        # Every charset a mail part may declare is an ASCII superset except UTF-16/32, UTF-7,
        # ISO-2022 and HZ; take the fast path unless one of those is declared.
        name = normalise_charset(declared) if declared else ""
        if not name or not _stateful_7bit(name):
            return data.decode("ascii")
    name = normalise_charset(declared) if declared else ""
    if name is None:
        defects.append(f"{what}: unknown charset {declared.strip()[:40]!r}; guessed")
        return _guess(data, defects, what)
    # Text in a single-byte charset is practically never valid multi-byte UTF-8; UTF-8
    # labelled as something else (a webmailer's default) is common.
    if (name in _WESTERN_LABELS or name.startswith(_SINGLE_BYTE)) and _valid_utf8(data):
        if name != "":
            defects.append(f"{what}: labelled {name} but is UTF-8")
        return data.decode("utf-8")
    if name in _WESTERN_LABELS:
        if _looks_czech_cp1250(data):
            defects.append(
                f"{what}: labelled {name or 'without charset'} but has Czech letters in "
                "windows-1250 positions; decoded as windows-1250"
            )
            return data.decode("windows-1250", "replace")
        if name in ("", "us-ascii"):
            return _guess(data, defects, what, declared=name or "no charset")
    text = _strict(data, name)
    if text is not None:
        return text
    defects.append(f"{what}: not valid {name}; guessed")
    return _guess(data, defects, what)


def _strict(data: bytes, name: str) -> str | None:
    """`data` in codec `name`, or in one of its extensions; None if in none of them."""
    try:
        return data.decode(name)
    except (UnicodeError, LookupError, ValueError, TypeError):
        pass
    for alternative in _ALTERNATIVES.get(codecs.lookup(name).name, ()):
        with contextlib.suppress(UnicodeError):
            return data.decode(alternative)
    return None


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _guess(data: bytes, defects: list[str], what: str, *, declared: str = "") -> str:
    for name in FALLBACK_CHARSETS:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if declared:
            defects.append(f"{what}: 8-bit data with {declared}; decoded as {name}")
        return text
    return data.decode("utf-8", "replace")  # unreachable: iso-8859-2 decodes every byte


# --- headers -----------------------------------------------------------------------------

_FOLD = re.compile(r"\r?\n(?=[ \t])")
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,64})\?([qQbB])\?([^?]*)\?=")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
MAX_HEADER_CHARS = 16_384


def header_text(
    raw: str, defects: list[str], *, name: str = "header", charset: Callable[[], str] | None = None
) -> str:
    """A raw header value (as the parser stores it, 8-bit bytes as surrogates) as clean text.

    Unfolds it, drops NUL characters (PostgreSQL text cannot hold them), decodes raw 8-bit
    bytes (UTF-8; else the charset of the message's text, as mail clients do, when `charset`
    gives one that is not Czech or Western European; else windows-1250) and raw ISO-2022-JP,
    and caps its length: a megabyte-long To: header is an attack or a bug, never something an
    agent must read.
    """
    value = _FOLD.sub("", raw).replace("\r", " ").replace("\n", " ").replace("\x00", "")
    if len(value) > MAX_HEADER_CHARS:
        defects.append(f"{name}: {len(value)} characters, truncated to {MAX_HEADER_CHARS}")
        value = value[:MAX_HEADER_CHARS]
    if value.isascii():
        return _raw_iso2022(value) if "\x1b" in value else value
    data = to_bytes(value)
    if _valid_utf8(data):
        return data.decode("utf-8")
    declared = normalise_charset(charset()) if charset is not None else None
    if declared and declared not in _WESTERN_LABELS and declared not in _CZECH_WESTERN:
        text = _strict(data, declared)
        if text is not None:
            defects.append(f"{name}: raw 8-bit bytes; decoded as {declared}, the text's charset")
            return text
    defects.append(f"{name}: raw 8-bit bytes that are not UTF-8; decoded as windows-1250")
    # Per byte run, not per header: a gateway's UTF-8 "[SPAM] " before a windows-1250 subject
    # must not turn the UTF-8 part into mojibake.
    return data.decode("utf-8", _CP1250_ERRORS)


#: Single-byte charsets under which a raw 8-bit header is read as windows-1250 all the same.
_CZECH_WESTERN = frozenset(
    {
        *("iso-8859-1", "iso-8859-2", "iso-8859-15", "iso8859-1", "iso8859-2", "iso8859-15"),
        *("iso_8859-1", "iso_8859-2", "latin1", "latin2", "latin-1", "l1", "l2"),
        *("windows-1250", "windows-1252", "cp1250", "cp1252"),
    }
)


def _raw_iso2022(value: str) -> str:
    """Japanese mailers that write ISO-2022-JP into a header without an encoded-word."""
    for codec in ("iso2022_jp", *_ALTERNATIVES["iso2022_jp"]):
        with contextlib.suppress(UnicodeError):
            return value.encode("ascii").decode(codec)
    return value


def _cp1250_for_invalid_utf8(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return bytes(chunk).decode("windows-1250", "replace"), error.end


_CP1250_ERRORS = "vik-windows-1250"
codecs.register_error(_CP1250_ERRORS, _cp1250_for_invalid_utf8)


def to_bytes(text: str) -> bytes:
    """The original bytes of a string the stdlib parser decoded as ASCII + surrogateescape."""
    try:
        return text.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def decode_words(value: str, defects: list[str], *, name: str = "header") -> str:
    """Decode RFC 2047 encoded-words, tolerating what real mailers get wrong.

    Tolerated: words inside quoted strings and next to plain text, unknown charsets, bad
    base64 padding, and one UTF-8 character split across two adjacent words (adjacent words
    of one charset are joined as bytes before decoding, as RFC 2047 section 6.2 intends).
    """
    if "=?" not in value:
        return value
    out: list[str] = []
    pending: list[bytes] = []
    pending_charset = ""
    pos = 0

    def flush() -> None:
        nonlocal pending_charset
        if pending:
            out.append(decode_bytes(b"".join(pending), pending_charset, defects, what=name))
            pending.clear()
        pending_charset = ""

    for match in _ENCODED_WORD.finditer(value):
        gap = value[pos : match.start()]
        if gap and not (gap.isspace() and pending):
            flush()
            out.append(gap)
        charset = match.group(1).split("*", 1)[0]
        data = _word_bytes(match.group(2), match.group(3))
        if pending and charset.lower() != pending_charset.lower():
            flush()
        pending_charset = charset
        pending.append(data)
        pos = match.end()
    flush()
    out.append(value[pos:])
    return "".join(out).replace("\x00", "")  # =00 in a word: PostgreSQL cannot store NUL


def _word_bytes(encoding: str, text: str) -> bytes:
    raw = text.encode("ascii", "replace")
    if encoding in "qQ":
        return _QP_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw.replace(b"_", b" "))
    return b64decode(raw)


def b64decode(data: bytes) -> bytes:
    """Base64 that survives missing padding, stray characters and truncation."""
    try:
        return binascii.a2b_base64(data)
    except (binascii.Error, ValueError):
        pass
    clean = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    if len(clean) % 4 == 1:
        clean = clean[:-1]
    try:
        return binascii.a2b_base64(clean + b"=" * (-len(clean) % 4))
    except (binascii.Error, ValueError):
        return b""
