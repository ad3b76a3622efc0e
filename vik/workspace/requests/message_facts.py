"""What the request page says about each message beyond its text: whether the parser left
parts out (and the raw message is there to download), which attachments are of a type the
web form refuses (flagged, and downloaded only after a confirmation), and, for a message sent
on a channel with receipts, whether it was delivered (the channel's adapter says)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vik.channels.core.base import SHORTENED, DeliveryState
from vik.channels.core.models import InboundPayload, OutboundMessage
from vik.channels.core.registry import adapter_for
from vik.conversations.choices import Direction
from vik.conversations.models import Attachment, Interaction
from vik.core.filetypes import ALLOWED_EXTENSIONS, HEAD_BYTES, extension, is_refused_type

RAW_MAIL_TYPE = "message/rfc822"  # e-mail, and the fax gateway's e-mail


@dataclass(frozen=True)
class MessageFacts:
    shortened: dict[str, int] | None = None
    has_raw_mail: bool = False
    dangerous: frozenset[int] = field(default_factory=frozenset)  # attachment ids
    delivery: DeliveryState | None = None


def attachment_is_dangerous(attachment: Attachment) -> bool:
    """A type the web form refuses (`vik.core.filetypes`): by name, or an executable's first
    bytes under an innocent name. A file that cannot be read is not judged here."""
    if extension(attachment.filename) not in ALLOWED_EXTENSIONS:
        return True
    try:
        with attachment.file.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return False
    return is_refused_type(attachment.filename, head)


def message_facts(timeline: Iterable[Any]) -> dict[int, MessageFacts]:
    """Per interaction id of the timeline, what to say beyond its text (one query, which
    leaves the raw bodies unread)."""
    interactions = [entry for entry in timeline if isinstance(entry, Interaction)]
    payload_ids = [i.inbound_payload_id for i in interactions if i.inbound_payload_id]
    payloads = {
        pk: (content_type, metadata)
        for pk, content_type, metadata in InboundPayload.objects.filter(
            pk__in=payload_ids
        ).values_list("pk", "content_type", "metadata")
    }
    deliveries = _delivery_states(interactions)
    facts: dict[int, MessageFacts] = {}
    for interaction in interactions:
        content_type, metadata = payloads.get(interaction.inbound_payload_id or 0, ("", {}))
        shortened = metadata.get(SHORTENED) if isinstance(metadata, dict) else None
        dangerous = frozenset(
            a.pk for a in interaction.attachments.all() if attachment_is_dangerous(a)
        )
        delivery = deliveries.get(interaction.pk)
        if shortened or dangerous or delivery or content_type == RAW_MAIL_TYPE:
            facts[interaction.pk] = MessageFacts(
                shortened=shortened if isinstance(shortened, dict) else None,
                has_raw_mail=content_type == RAW_MAIL_TYPE,
                dangerous=dangerous,
                delivery=delivery,
            )
    return facts


# Of one message's deliveries (one per recipient), the one that tells most: a failure first.
_TELLS_MOST = {"failed": 0, "queued": 1, "submitted": 2, "delivered": 3}


def _delivery_states(interactions: list[Interaction]) -> dict[int, DeliveryState]:
    """Per interaction id, its delivery as its channel's adapter reports it (one query for
    the outbox, and what each channel reads for all its messages at once)."""
    outbound = [i.pk for i in interactions if i.direction == Direction.OUTBOUND]
    by_channel: dict[str, list[OutboundMessage]] = {}
    for message in OutboundMessage.objects.filter(interaction__in=outbound).select_related(
        "interaction"
    ):
        by_channel.setdefault(message.interaction.channel, []).append(message)
    states: dict[int, DeliveryState] = {}
    for channel, messages in by_channel.items():
        try:
            reported = adapter_for(channel).delivery_states(messages)
        except LookupError:  # a channel no adapter serves here (a letter)
            continue
        for message in messages:
            state = reported.get(message.pk)
            current = states.get(message.interaction_id)
            if state and (
                current is None
                or _TELLS_MOST.get(state.state, 1) < _TELLS_MOST.get(current.state, 1)
            ):
                states[message.interaction_id] = state
    return states


def raw_mail_of(interaction: Interaction) -> InboundPayload | None:
    """The raw e-mail an interaction was made of, or None (another channel, or written here)."""
    return InboundPayload.objects.filter(
        pk=interaction.inbound_payload_id or 0, content_type=RAW_MAIL_TYPE
    ).first()
