"""A public reply e-mailed to a citizen who wrote through the portal (the web form, the chat's
"leave a message"): the reply's text, the tracking link to the whole conversation, and the
centre; its attachments attached."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from vik.channels.core.base import outbound_message_id
from vik.channels.core.models import OutboundMessage
from vik.conversations.selectors import tracking_url

from .smtp import smtp_deliver


def portal_reply_send(message: OutboundMessage) -> str:
    """Send `message` (an outbound reply) to its recipient by SMTP; returns its Message-ID."""
    interaction = message.interaction
    request = interaction.request
    with translation.override(request.language or "cs"):
        # An automatic message names itself (the invitation to rate the request).
        subject = interaction.subject or _("[%(reference)s] Reply to your request: %(subject)s") % {
            "reference": request.reference,
            "subject": request.subject,
        }
        body = "\n\n".join(
            [
                interaction.text,
                "—",
                _("The whole conversation and a form to reply: %(url)s")
                % {"url": tracking_url(request)},
                str(request.centre or ""),
            ]
        )
    message_id = outbound_message_id(message, "vik.localhost")
    return smtp_deliver(
        message, subject=subject, body=body, to=message.recipient,
        sender=message.account.settings.get("from_email") or settings.DEFAULT_FROM_EMAIL,
        headers={"Message-ID": message_id}, smtp={}, message_id=message_id,
    )  # fmt: skip
