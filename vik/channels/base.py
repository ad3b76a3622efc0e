"""The contract every channel adapter implements.

An adapter knows its channel's wire format and nothing else: `parse` turns a stored raw
payload into a `NormalisedMessage`; `send` delivers one outbound message. Which contact and
which request a message belongs to is decided once, for every channel, in
`vik.conversations.services.inbound_apply`.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from vik.conversations.models import Request

    from .models import InboundPayload, OutboundMessage


class PayloadRejected(Exception):
    """The payload can never be processed as it is; it goes to quarantine with this reason."""


class DeliveryError(Exception):
    """Sending failed. `permanent=True` gives up at once; otherwise the outbox retries."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ThreadHint:
    """What ties a message to an existing request, strongest first."""

    public_token: str = ""
    reference: str = ""
    message_ids: tuple[str, ...] = ()


@dataclass
class NormalisedMessage:
    sender_identities: list[tuple[str, str]]  # normalised (IdentityKind, value), best first
    text: str
    occurred_at: dt.datetime
    sender_name: str = ""
    requester_type: str = "citizen"
    subject: str = ""
    html: str = ""
    attachments: list[InboundAttachment] = field(default_factory=list)
    municipality_code: str = ""
    topic_id: int | None = None
    kind: str = "inquiry"
    language: str = "cs"
    thread: ThreadHint = field(default_factory=ThreadHint)


class ChannelAdapter(ABC):
    kind: ClassVar[str]

    @abstractmethod
    def parse(self, payload: InboundPayload) -> NormalisedMessage:
        """Raise PayloadRejected for a payload that no retry can fix."""

    @abstractmethod
    def send(self, message: OutboundMessage) -> str:
        """Deliver; return the channel's id for the sent message. Raise DeliveryError."""

    def reply_recipient(self, request: Request) -> str | None:
        """Where a public reply to `request` is delivered on this channel; None: nowhere
        (the citizen reads it on the tracking page)."""
        return None
