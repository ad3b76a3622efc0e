"""A public reply e-mailed to a citizen who wrote through the portal (the web form, the chat's
"leave a message"): the reply's text, the tracking link to the whole conversation, and the
centre; its attachments attached."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from vik.channels.core.base import DeliveryError, outbound_message_id
from vik.channels.core.models import OutboundMessage
from vik.conversations.selectors import tracking_url


def portal_reply_send(message: OutboundMessage) -> str:
    """Send `message` (an outbound reply) to its recipient by SMTP; returns its Message-ID."""
    interaction = message.interaction
    request = interaction.request
    with translation.override(request.language or "cs"):
        subject = _("[%(reference)s] Reply to your request: %(subject)s") % {
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
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=message.account.settings.get("from_email") or settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": message_id},
    )
    for attachment in interaction.attachments.all():
        with attachment.file.open("rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type)
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(f"recipient refused: {error.recipients}", permanent=True) from error
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"SMTP: {error}") from error
    return message_id
