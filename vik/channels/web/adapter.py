"""The web-form channel: the portal's form and the tracking page's follow-ups.

The raw payload is the JSON of the submitted fields (`payload_body`); uploaded files are stored
beside it as PayloadFile rows. Replies are read on the tracking page and, when the citizen gave
an e-mail address, also sent there with the tracking link.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from vik.channels.core.base import (
    ChannelAdapter,
    InboundAttachment,
    NormalisedMessage,
    PayloadRejected,
    ThreadHint,
)
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import InboundPayload, OutboundMessage
from vik.channels.mail.portal import portal_reply_send
from vik.contacts.choices import IdentityKind
from vik.contacts.identities import InvalidIdentity, normalise
from vik.conversations.models import Request
from vik.core import clock
from vik.core.text import subject_from_text

PAYLOAD_CONTENT_TYPE = "application/vnd.vik.web-form+json"
SCHEMA_VERSION = 1


def payload_body(fields: dict[str, Any]) -> bytes:
    return json.dumps({"schema": SCHEMA_VERSION, **fields}, ensure_ascii=False).encode("utf-8")


class WebAdapter(ChannelAdapter):
    kind = ChannelKind.WEB
    reads_payload_files = True

    def parse(self, payload: InboundPayload) -> NormalisedMessage:
        try:
            data = json.loads(bytes(payload.body).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise PayloadRejected(f"The web-form payload is not JSON: {error}") from error
        if not isinstance(data, dict):
            raise PayloadRejected("The web-form payload is not a JSON object.")
        text = str(data.get("message", "")).strip()
        if not text:
            raise PayloadRejected("The message is empty.")
        identities: list[tuple[str, str]] = []
        for kind, field in ((IdentityKind.EMAIL, "email"), (IdentityKind.PHONE, "phone")):
            raw = str(data.get(field) or "").strip()
            if raw:
                try:
                    identities.append((kind, normalise(kind, raw)))
                except InvalidIdentity as error:
                    raise PayloadRejected(str(error)) from error
        if not identities:
            raise PayloadRejected("The citizen gave no e-mail address and no phone number.")
        submitted = data.get("submitted_at")
        occurred_at = clock.now()
        if submitted:
            occurred_at = dt.datetime.fromisoformat(submitted)
        return NormalisedMessage(
            sender_identities=identities,
            sender_name=str(data.get("name", "")).strip(),
            subject=str(data.get("subject", "")).strip() or subject_from_text(text.splitlines()[0]),
            text=text,
            occurred_at=occurred_at,
            municipality_code=str(data.get("municipality_code", "")),
            topic_id=int(data["topic_id"]) if data.get("topic_id") else None,
            language=str(data.get("language", "cs"))[:8],
            thread=ThreadHint(public_token=str(data.get("public_token", ""))),
            attachments=[
                InboundAttachment(
                    filename=item.filename, content_type=item.content_type, content=_read(item)
                )
                for item in payload.files.all()
            ],
        )

    def reply_recipient(self, request: Request) -> str | None:
        email = request.requester.identities.filter(kind=IdentityKind.EMAIL).first()
        return email.value if email else None

    def send(self, message: OutboundMessage) -> str:
        return portal_reply_send(message)


def _read(item: Any) -> bytes:
    with item.file.open("rb") as handle:
        return handle.read()  # type: ignore[no-any-return]
