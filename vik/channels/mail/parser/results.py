"""What the parser returns (`ParsedMail` and its parts), what it raises (`MailUnparseable`),
the limits it keeps, and what a walk through one message collects on the way."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from ..bounces import BounceReport

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
class Shortened:
    """What the limits cut from a message: MIME parts kept of all, and how deep it nests."""

    kept_parts: int
    total_parts: int
    depth: int
    depth_limit: int = MAX_DEPTH

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


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
    shortened: Shortened | None = None  # None: nothing was left out for the limits


class MailUnparseable(ValueError):
    """The input is not an e-mail message at all (empty, or no header fields)."""


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
        "shortened": parsed.shortened.as_dict() if parsed.shortened else None,
    }


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
