"""The key under which a raw message is stored once, however many times it is delivered."""

from __future__ import annotations

import hashlib

from vik.channels.core.base import message_key

from ..charsets import header_text
from ..mime import first_id
from .headers import _header_block_start, _scan_header_fields
from .tree import _LEADING_BLANK_LINES

_TRACE_FIELDS = frozenset(
    {"return-path", "delivered-to", "received", "x-original-to", "envelope-to", "delivery-date"}
)


def idempotency_key(raw: bytes) -> str:
    """A key that is equal for the same message however it reached us (pipe or IMAP).

    The Message-ID when there is one; otherwise a hash of the message without the trace
    fields the delivering servers put on top (Return-Path, Delivered-To, Received, ...),
    with line endings normalised, because those are what differs between two deliveries.
    """
    data = _LEADING_BLANK_LINES.sub(b"", bytes(raw).replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
    leading = _header_block_start(data)  # text before the header fields, as `parse_mail` skips
    fields, end = _scan_header_fields(data[leading:])
    for name, value, _start in fields:
        if name == "message-id":
            message_id = first_id(header_text(value.decode("ascii", "surrogateescape"), []))
            if message_id:  # the key a reply finds its pending parent by
                return message_key(message_id)
            break
    if leading:  # the text before the fields is part of what makes this message this one
        return "sha256:" + hashlib.sha256(data.rstrip(b"\n") + b"\n").hexdigest()
    start = next((s for name, _v, s in fields if name not in _TRACE_FIELDS), end if fields else 0)
    return "sha256:" + hashlib.sha256(data[start:].rstrip(b"\n") + b"\n").hexdigest()
