"""The chat channel's adapter.

Live messages do not pass through here: the consumers store them as they come
(`services.message_post`). What does: the widget's "leave a message" when no one can chat (a raw
payload like a web form's, `payload_body`, processed by the workers into a request answered by
e-mail), and a reply a clerk writes on the request page of a chat request, which is said in the
chat while it lasts and e-mailed with the tracking link after it ended.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from vik.channels.core.base import (
    ChannelAdapter,
    DeliveryError,
    NormalisedMessage,
    PayloadRejected,
)
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import InboundPayload, OutboundMessage
from vik.channels.mail.portal import portal_reply_send
from vik.contacts.choices import IdentityKind
from vik.contacts.identities import InvalidIdentity, normalise
from vik.conversations.models import Request
from vik.core import clock

from . import selectors
from .models import ChatMessage, ChatSession, ChatState, Sender
from .services import seq_next

PAYLOAD_CONTENT_TYPE = "application/vnd.vik.chat-message+json"
SCHEMA_VERSION = 1
CHAT_PREFIX = "chat:"  # a recipient that is a live chat, not an e-mail address


def payload_body(fields: dict[str, Any]) -> bytes:
    return json.dumps({"schema": SCHEMA_VERSION, **fields}, ensure_ascii=False).encode("utf-8")


class ChatAdapter(ChannelAdapter):
    kind = ChannelKind.CHAT
    acknowledges_by_default = True  # the message left offline gets its reference by e-mail

    def parse(self, payload: InboundPayload) -> NormalisedMessage:
        try:
            data = json.loads(bytes(payload.body).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise PayloadRejected(f"The chat payload is not JSON: {error}") from error
        if not isinstance(data, dict):
            raise PayloadRejected("The chat payload is not a JSON object.")
        text = str(data.get("message", "")).strip()
        if not text:
            raise PayloadRejected("The message is empty.")
        try:
            email = normalise(IdentityKind.EMAIL, str(data.get("email", "")))
        except InvalidIdentity as error:
            raise PayloadRejected(str(error)) from error
        submitted = data.get("submitted_at")
        return NormalisedMessage(
            sender_identities=[(IdentityKind.EMAIL, email)],
            sender_name=str(data.get("name", "")).strip()[:200],
            subject=text.splitlines()[0][:120],
            text=text,
            occurred_at=dt.datetime.fromisoformat(submitted) if submitted else clock.now(),
            municipality_code=str(data.get("municipality_code", "")),
            topic_id=int(data["topic_id"]) if data.get("topic_id") else None,
            language=str(data.get("language", "cs"))[:8],
        )

    def sender_address(self, message: NormalisedMessage) -> str | None:
        return message.sender_identities[0][1] if message.sender_identities else None

    def reply_recipient(self, request: Request) -> str | None:
        """The live chat while it lasts; after it, the e-mail address the citizen gave."""
        session = ChatSession.objects.filter(request=request).only("pk", "state").first()
        if session is not None and session.state != ChatState.CLOSED:
            return f"{CHAT_PREFIX}{session.pk}"
        email = request.requester.identities.filter(kind=IdentityKind.EMAIL).order_by("pk").first()
        return email.value if email else None

    def send(self, message: OutboundMessage) -> str:
        if not message.recipient.startswith(CHAT_PREFIX):
            return portal_reply_send(message)
        session_id = int(message.recipient.removeprefix(CHAT_PREFIX))
        client_id = f"outbox:{message.pk}"
        with transaction.atomic():
            session = ChatSession.objects.select_for_update().filter(pk=session_id).first()
            if session is None:
                raise DeliveryError("the chat no longer exists", permanent=True)
            stored = ChatMessage.objects.filter(
                session=session, sender=Sender.AGENT, client_id=client_id
            ).first()
            if stored is None:
                interaction = message.interaction
                seq = seq_next(session, read_by=Sender.AGENT)
                stored = ChatMessage.objects.create(
                    session=session, seq=seq, sender=Sender.AGENT,
                    author=interaction.author, client_id=client_id, text=interaction.text,
                    interaction=interaction, created_at=clock.now(),
                )  # fmt: skip
        _publish(stored)
        return f"{CHAT_PREFIX}{session_id}:{stored.seq}"


def _publish(message: ChatMessage) -> None:
    """Tell the conversation (from a worker: through the channel layer; with the in-memory layer
    of a single process, the widget reads it at its next sync)."""
    layer = get_channel_layer()
    if layer is None:
        return
    event = {
        "type": "chat.message", "chat": message.session_id,
        "citizen": selectors.message_frame(message, for_citizen=True),
        "staff": selectors.message_frame(message, for_citizen=False),
    }  # fmt: skip
    async_to_sync(layer.group_send)(f"chat-s-{message.session_id}", event)
