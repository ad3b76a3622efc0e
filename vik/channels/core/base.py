"""The contract every channel adapter implements.

An adapter knows its channel's wire format and nothing else: `parse` turns a stored raw
payload into a `NormalisedMessage`; `send` delivers one outbound message. Which contact and
which request a message belongs to is decided once, for every channel, in
`vik.conversations.services.inbound_apply`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from vik.conversations.models import Request

    from .models import InboundPayload, OutboundMessage


def message_key(message_id: str) -> str:
    """The idempotency key under which a channel that threads stores the payload of a message
    with this Message-ID (`NormalisedMessage.external_id`), so that a reply can find its parent
    while the parent is stored but not yet applied (`ThreadHint.message_ids`)."""
    key = f"mid:{message_id}"
    if len(key) <= 255:
        return key
    return "mid-sha256:" + hashlib.sha256(message_id.encode()).hexdigest()


class PayloadRejected(Exception):
    """The payload can never be processed as it is; it goes to quarantine with this reason."""


class PayloadIgnored(Exception):
    """The payload is noise that must not become a request (an auto-reply to nothing, VIK's own
    mail coming back); it is kept, marked ignored, with this reason."""


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
    content_id: str = ""  # e-mail: what <img src="cid:..."> in the HTML refers to


@dataclass(frozen=True)
class DeliveryReport:
    """A channel's report that an outbound message did not arrive (an e-mail bounce)."""

    original_external_id: str
    recipients: tuple[str, ...]
    status: str
    reason: str
    permanent: bool


@dataclass(frozen=True)
class DeliveryState:
    """Where one outbound message is, as its channel knows it, for the request's timeline:
    "queued", "submitted" (handed over, waiting for a receipt), "delivered" (`at`), or
    "failed" (`reason`). `parts`: how many pieces the channel sent it as."""

    state: str
    at: dt.datetime | None = None
    reason: str = ""
    parts: int = 0


@dataclass(frozen=True)
class ThreadHint:
    """What ties a message to an existing request, strongest first."""

    public_token: str = ""
    reference: str = ""
    message_ids: tuple[str, ...] = ()


# The raw payload's metadata key under which `NormalisedMessage.shortened` is kept.
SHORTENED = "shortened"


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
    external_id: str = ""  # the channel's id of this message (e-mail Message-ID)
    auto_reply: str = ""  # why it was written by a machine ('' when a person wrote it)
    delivery_report: DeliveryReport | None = None
    # What the channel's parser left out for its limits ({"kept_parts", "total_parts", "depth",
    # "depth_limit"}); kept with the raw payload and shown with the message.
    shortened: dict[str, int] | None = None


def outbound_message_id(message: OutboundMessage, domain: str) -> str:
    """The Message-ID of one outbound delivery: the same on every attempt, so that a message
    re-sent after a crash between sending and recording is recognised as a duplicate."""
    reference = message.interaction.request.reference
    return f"<{reference}.{message.pk}@{domain or 'vik.localhost'}>"


class ChannelAdapter(ABC):
    kind: ClassVar[str]
    # Whether a new request from this channel gets an automatic acknowledgement unless the
    # account's settings say otherwise ({"acknowledge": false}).
    acknowledges_by_default: ClassVar[bool] = False
    # Whether the id `send` returns is a Message-ID that answers quote (e-mail, and the fax
    # gateway's e-mail): it is then remembered with the request, for threading and bounces.
    remembers_sent_ids: ClassVar[bool] = False
    # Whether `parse` reads the payload's stored files (`InboundPayload.files`): a batch
    # reads them for the payloads of such channels only.
    reads_payload_files: ClassVar[bool] = False

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

    def may_send_to(self, region_id: int, recipient: str) -> bool:
        """Whether this channel may deliver to `recipient` in the region at all (an SMS number
        that opted out may not); a clerk is offered only addresses it may."""
        return True

    def reply_refusal(self, request: Request, text: str) -> str:
        """Why a clerk's reply with `text` must not be sent on this channel now (the SMS
        budget is used up), in the clerk's language; '' when it may."""
        return ""

    def delivering(
        self, messages: Sequence[OutboundMessage] = ()
    ) -> contextlib.AbstractContextManager[None]:
        """Around a batch of `send` calls for `messages`: an adapter may keep a connection open
        for them, and read at once what each of them needs."""
        return contextlib.nullcontext()

    def delivery_states(self, messages: Sequence[OutboundMessage]) -> dict[int, DeliveryState]:
        """Per outbound message id, what the request page says of its delivery beside the
        message; a channel without receipts says nothing (the outbox's failure is on the
        timeline as an event of its own). Called once per page for all its messages."""
        return {}

    def sender_address(self, message: NormalisedMessage) -> str | None:
        """Where an answer to this inbound message goes, if the message itself says (the
        e-mail it came from); None: ask `reply_recipient` about its request."""
        return None
