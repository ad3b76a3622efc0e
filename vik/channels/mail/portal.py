"""A public reply e-mailed to a citizen who wrote through the portal (the web form, the chat's
"leave a message"): the reply's text, the tracking link to the whole conversation, and the
centre; its attachments attached."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from vik.channels.core.base import outbound_message_id
from vik.channels.core.models import OutboundMessage
from vik.conversations.selectors import tracking_url

from .smtp import formatted, reply_document, smtp_deliver


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
        url = tracking_url(request)
        body = "\n\n".join(
            [
                interaction.text,
                "—",
                _("The whole conversation and a form to reply: %(url)s") % {"url": url},
                str(request.centre or ""),
            ]
        )
        # A clerk's Markdown goes formatted too; the plain part keeps the source.
        html = ""
        if formatted(interaction):
            wording = _("The whole conversation and a form to reply: %(url)s")
            before, _url, rest = wording.partition("%(url)s")
            after = format_html(
                '<hr><p>{}<a href="{}">{}</a>{}</p><p>{}</p>',
                before, url, url, rest, str(request.centre or ""),
            )  # fmt: skip
            html = reply_document(interaction.text, lang=request.language or "cs", after=after)
    message_id = outbound_message_id(message, "vik.localhost")
    return smtp_deliver(
        message, subject=subject, body=body, to=message.recipient,
        sender=message.account.settings.get("from_email") or settings.DEFAULT_FROM_EMAIL,
        headers={"Message-ID": message_id}, smtp={}, message_id=message_id, html=html,
    )  # fmt: skip
