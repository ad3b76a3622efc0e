"""SMS text: which alphabet a text needs, how many parts it costs, and the parts themselves.

GSM 03.38 (data_coding 0) holds 160 septets in one SMS and 153 in each part of a concatenated
one (the 6-byte UDH takes 7 septets); the characters of its extension table (`€`, `[`, `{`, …)
take two. Anything else, Czech diacritics included, needs UCS-2 (data_coding 8): 70 UTF-16 code
units, 67 per part. A part never splits an escape sequence or a surrogate pair. The same rules
are in `static/sms/counter.js`, which counts as the clerk types.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = {"\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D,
                 "]": 0x3E, "|": 0x40, "€": 0x65}  # fmt: skip
_BASIC_INDEX = {char: index for index, char in enumerate(GSM_BASIC)}
_BASIC_INDEX.pop("\x1b")

GSM7 = 0  # data_coding: the SMSC default alphabet
UCS2 = 8  # data_coding: UCS-2 (UTF-16 big-endian)
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}  # (a single SMS, a part of a long one)
MAX_PARTS = 255


@dataclass(frozen=True)
class Cost:
    encoding: int  # GSM7 or UCS2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    parts: int
    per_part: int  # what one part holds at this length

    @property
    def label(self) -> str:
        return "GSM-7" if self.encoding == GSM7 else "UCS-2"


def is_gsm7(text: str) -> bool:
    return all(char in _BASIC_INDEX or char in GSM_EXTENSION for char in text)


def _units(char: str, encoding: int) -> int:
    if encoding == GSM7:
        return 2 if char in GSM_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def cost(text: str, encoding: int | None = None) -> Cost:
    """What `text` costs: its alphabet (the cheapest that holds it unless given) and parts."""
    if encoding is None:
        encoding = GSM7 if is_gsm7(text) else UCS2
    return Cost(encoding, *_split_sizes(text, encoding))


def _split_sizes(text: str, encoding: int) -> tuple[int, int, int]:
    single, part = LIMITS[encoding]
    units = sum(_units(char, encoding) for char in text)
    if units <= single:
        return units, 1, single
    return units, len(_chunks(text, encoding, part)), part


def _chunks(text: str, encoding: int, size: int) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for char in text:
        width = _units(char, encoding)
        if used + width > size:
            chunks.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += width
    if current or not chunks:
        chunks.append("".join(current))
    return chunks


def without_diacritics(text: str) -> str:
    """The text with Czech (and other Latin) diacritics taken off, for GSM-7; characters GSM-7
    still cannot hold become '?'."""
    plain = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in plain if not unicodedata.combining(char))
    stripped = stripped.replace("„", '"').replace("“", '"').replace("”", '"')
    stripped = stripped.replace("‚", "'").replace("‘", "'").replace("’", "'")
    stripped = stripped.replace("–", "-").replace("—", "-").replace("…", "...")
    stripped = stripped.replace("\u00a0", " ")
    return "".join(char if is_gsm7(char) else "?" for char in stripped)


def encode(text: str, encoding: int) -> bytes:
    if encoding == UCS2:
        return text.encode("utf-16-be")
    out = bytearray()
    for char in text:
        if char in GSM_EXTENSION:
            out += bytes((0x1B, GSM_EXTENSION[char]))
        else:
            out.append(_BASIC_INDEX[char])
    return bytes(out)


_GSM_DECODE = {index: char for char, index in _BASIC_INDEX.items()}
_GSM_EXT_DECODE = {code: char for char, code in GSM_EXTENSION.items()}


def decode(data: bytes, data_coding: int) -> str:
    """The text of an inbound short message. Invalid UCS-2 (an odd byte, a lone surrogate)
    becomes U+FFFD where it is broken, never an error."""
    if data_coding == UCS2:
        return data.decode("utf-16-be", errors="replace")
    if data_coding == 0x03:  # Latin-1
        return data.decode("latin-1")
    chars: list[str] = []
    escape = False
    for byte in data:
        if escape:
            chars.append(_GSM_EXT_DECODE.get(byte, " "))
            escape = False
        elif byte == 0x1B:
            escape = True
        else:
            chars.append(_GSM_DECODE.get(byte & 0x7F, "?"))
    return "".join(chars)


@dataclass(frozen=True)
class Part:
    seq: int  # 1-based
    total: int
    payload: bytes  # UDH (for a long message) + encoded text
    esm_class: int


def parts(text: str, encoding: int, reference: int) -> list[Part]:
    """The short messages of `text`: one, or a concatenated series with an 8-bit reference
    (IE 0x00), the same on every attempt so that a part sent again joins the same series."""
    single, size = LIMITS[encoding]
    if sum(_units(char, encoding) for char in text) <= single:
        return [Part(1, 1, encode(text, encoding), 0)]
    chunks = _chunks(text, encoding, size)
    if len(chunks) > MAX_PARTS:
        raise ValueError(f"{len(chunks)} parts; an SMS has at most {MAX_PARTS}")
    total = len(chunks)
    return [
        Part(
            seq,
            total,
            bytes((5, 0, 3, reference & 0xFF, total, seq)) + encode(chunk, encoding),
            0x40,
        )
        for seq, chunk in enumerate(chunks, start=1)
    ]


def udh_concat(payload: bytes) -> tuple[tuple[int, int, int] | None, bytes]:
    """An inbound message's concatenation (reference, total, seq) from its UDH, and the rest."""
    if not payload:
        return None, payload
    length = payload[0]
    header, rest = payload[1 : 1 + length], payload[1 + length :]
    index = 0
    while index + 1 < len(header):
        iei, size = header[index], header[index + 1]
        data = header[index + 2 : index + 2 + size]
        if iei == 0x00 and size == 3:
            return (data[0], data[1], data[2]), rest
        if iei == 0x08 and size == 4:
            return ((data[0] << 8) | data[1], data[2], data[3]), rest
        index += 2 + size
    return None, rest
