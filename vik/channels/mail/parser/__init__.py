"""Raw RFC 5322 bytes → what VIK needs from one e-mail: who, thread hints, text, attachments,
and whether a human wrote it.

Pure and defensive on purpose: the e-mail channel stores the raw message first and parses it in
a task, so one hostile or broken message must end as a `ParsedMail` with its problems listed in
`defects` (or, if it is no mail at all, as `MailUnparseable` → quarantine), never as an
exception that stops a batch. The MIME tree is the one the stdlib's `email` parser builds with
`policy=compat32` (no header objects; `tree._TreeBuilder` builds the same tree several times
faster, and leaves anything unusual to the stdlib parser itself); header values, charsets,
transfer encodings and parameters are decoded here (see `charsets.py` and `mime.py`) because
the stdlib either raises on or silently mangles the mislabelled Czech mail we receive. Bounces are
recognised in `bounces.py`.

The modules, from the entry point down:
- `parse`: `parse_mail`, and its last resort when building the result fails;
- `idempotency`: `idempotency_key`, the same for one message however it reached us;
- `walk`: the MIME tree sorted into body text, attachments, forwarded messages and reports;
- `attachments`: files, attached messages kept as .eml, and Outlook's winmail.dat (TNEF);
- `headers`: header fields, address lists, and the raw header scan;
- `tree`: the MIME tree itself (a fast builder of the stdlib parser's tree);
- `results`: `ParsedMail` and its parts, `MailUnparseable`, and the limits.
"""

from ..bounces import BounceReport
from .idempotency import idempotency_key
from .parse import parse_mail
from .results import (
    FALLBACK,
    MAX_DEPTH,
    MAX_IDS,
    MAX_PARTS,
    MailAddress,
    MailAttachment,
    MailUnparseable,
    ParsedMail,
    Shortened,
    describe,
)

__all__ = [
    "FALLBACK",
    "MAX_DEPTH",
    "MAX_IDS",
    "MAX_PARTS",
    "BounceReport",
    "MailAddress",
    "MailAttachment",
    "MailUnparseable",
    "ParsedMail",
    "Shortened",
    "describe",
    "idempotency_key",
    "parse_mail",
]
