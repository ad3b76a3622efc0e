"""The entry point: `parse_mail`, and its last resort when building the full result fails."""

from __future__ import annotations

from dataclasses import replace
from email.message import Message

from ..charsets import decode_bytes, decode_words, header_text
from ..mime import clean_text, first_id, id_list
from .headers import _header_block_start, _scan_header_fields
from .results import (
    FALLBACK,
    MAX_DEPTH,
    MAX_IDS,
    MAX_PARTS,
    MailUnparseable,
    ParsedMail,
    Shortened,
    _Budget,
)
from .tree import _LEADING_BLANK_LINES, _parse_tree
from .walk import _build


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse one message. Raises only `MailUnparseable`, for input that is not a mail."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise MailUnparseable(f"expected bytes, got {type(raw).__name__}")
    data = _LEADING_BLANK_LINES.sub(b"", bytes(raw))
    if not data.strip():
        raise MailUnparseable("empty input: no header fields and no body")
    tree_defects: list[str] = []
    leading = ""
    start = _header_block_start(data)
    if start:
        leading = _leading_text(data[:start], tree_defects)
        data = data[start:]
    msg = _parse_tree(data, tree_defects)
    if msg is None or not any(name.strip() for name, _ in msg.raw_items()):
        raise MailUnparseable(
            "no header fields: the input does not begin with 'Name: value' lines, "
            "so it is not an e-mail message"
        )
    budget = _Budget()
    try:
        parsed = _build(msg, 0, budget)
    except Exception as exc:  # a bug or a stdlib surprise must not stop the mailbox
        return _headers_only(data, f"{FALLBACK}: {type(exc).__name__}: {exc}"[:300])
    if leading:
        parsed = replace(parsed, text=f"{leading}\n\n{parsed.text}".rstrip())
    if tree_defects:
        parsed = _with_defects(parsed, tree_defects)
    shortened = _shortened(msg, budget)
    if shortened is not None:
        parsed = replace(parsed, shortened=shortened)
    return parsed


def _leading_text(data: bytes, defects: list[str]) -> str:
    """Text before the header fields, kept at the start of the body text for the clerk."""
    text = clean_text(decode_bytes(data, "", defects, what="text before the header"))
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    lines = text.count("\n") + 1 if text else 0
    defects.append(
        f"{lines} line(s) of text before the header fields "
        f"({text[:60]!r}); kept at the start of the text"
    )
    return text


def _shortened(msg: Message, budget: _Budget) -> Shortened | None:
    """What MAX_PARTS and MAX_DEPTH left out, for the clerk to see; None if nothing."""
    total = deepest = 0
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        total += 1
        deepest = max(deepest, depth)
        payload = getattr(part, "_payload", None)
        if isinstance(payload, list):
            stack.extend((child, depth + 1) for child in payload if isinstance(child, Message))
    if not budget.exhausted and deepest <= MAX_DEPTH:
        return None
    kept = min(budget.parts, MAX_PARTS)
    return Shortened(kept_parts=kept, total_parts=max(total, kept), depth=deepest)


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
