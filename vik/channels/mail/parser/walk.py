"""One message's MIME tree sorted into what `ParsedMail` holds: body text and HTML,
attachments, forwarded messages, calendars and delivery reports."""

from __future__ import annotations

from email.message import Message

from ..bounces import AUTO_REPLY_FIELDS, auto_reply_reason, detect_bounce
from ..charsets import decode_words, to_bytes
from ..html_text import html_to_text
from ..mime import (
    body_text,
    clean_text,
    first_id,
    id_list,
    meta_charset,
    parse_date,
    parse_params,
    safe_filename,
    transfer_decode,
)
from .attachments import _FORWARDED_TYPES, _TNEF_TYPES, _default_name, _serialise, _tnef
from .headers import _DIAGNOSTIC_HEADERS, _addresses, _content_type, _Headers, _raw_header_block
from .results import MAX_DEPTH, MAX_IDS, MAX_PARTS, MailAttachment, ParsedMail, _Budget, _Walk
from .tree import _parse_tree


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
    # The first mailbox with an address: a From with a name alone before it still has a sender.
    sender = next((s for s in senders if s.address), senders[0] if senders else None)
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
        state.budget.parts -= 1  # not kept: `Shortened.kept_parts` counts what was read
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


def _stdlib_defect(defect: object) -> str:
    """A stdlib defect as text; it may quote raw 8-bit bytes, which it holds as surrogates."""
    detail = to_bytes(str(defect)).decode("utf-8", "replace").replace("\x00", "")
    name = type(defect).__name__
    return f"{name}: {detail}"[:300] if detail and detail != name else name
