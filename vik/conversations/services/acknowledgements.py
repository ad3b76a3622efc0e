"""Telling the citizen that their request has arrived."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vik.channels.core.models import ChannelAccount
from vik.channels.core.registry import adapter_for
from vik.channels.core.services import outbound_queue
from vik.contacts.models import Contact
from vik.core import clock

from ..choices import Direction, Visibility
from ..models import (
    Interaction,
    Request,
)
from ..selectors import tracking_url


def request_acknowledge(
    *, request: Request, account: ChannelAccount, contact: Contact, recipient: str | None = None
) -> Interaction | None:
    """Tell the citizen we have their request: its reference and tracking link, on the channel
    it came in, if the channel acknowledges. At most a few per sender and hour, so that a loop
    with another robot dies out even if it slips past the auto-reply checks."""
    recipient = acknowledgement_recipient(account, request, recipient)
    if recipient is None:
        return None
    limit = settings.VIK_ACKNOWLEDGEMENTS_PER_SENDER_HOUR
    # A new contact has had no acknowledgement yet.
    if not contact.just_created and recent_acknowledgements(contact) >= limit:
        return None
    interaction = acknowledgement_build(request, account, contact, clock.now())
    interaction.save(force_insert=True)
    outbound_queue(account=account, interaction=interaction, recipient=recipient)
    return interaction


def acknowledgement_recipient(
    account: ChannelAccount, request: Request, recipient: str | None
) -> str | None:
    """Where the acknowledgement goes (`recipient` if the message said), or None: the
    account does not acknowledge, or the channel cannot reach the citizen."""
    adapter = adapter_for(account.kind)
    if not account.settings.get("acknowledge", adapter.acknowledges_by_default):
        return None
    return recipient or adapter.reply_recipient(request) or None


def recent_acknowledgements(contact: Contact) -> int:
    since = clock.now() - dt.timedelta(hours=1)
    return Interaction.objects.filter(
        contact=contact, is_automatic=True, occurred_at__gte=since
    ).count()


def acknowledgement_build(
    request: Request, account: ChannelAccount, contact: Contact, now: dt.datetime
) -> Interaction:
    return Interaction(
        request=request, direction=Direction.OUTBOUND, visibility=Visibility.PUBLIC,
        channel=account.kind, account=account, contact=contact, is_automatic=True,
        text=acknowledgement_text(request), occurred_at=now,
    )  # fmt: skip


def acknowledgement_text(request: Request) -> str:

    centre = request.centre
    with translation.override(request.language or "cs"):
        english = (get_language() or "cs").startswith("en")
        template = ""
        if centre is not None:
            template = centre.acknowledgement_en if english else centre.acknowledgement_cs
        template = template or _(
            "Good day,\n\nthank you for your message. We have filed it under the number "
            "{reference}. You will find our answer, and can add to your request, at "
            "{tracking_url}"
        )
        values = {
            "reference": request.reference,
            "tracking_url": tracking_url(request),
            "centre": str(centre or ""),
        }
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):  # a centre's template with a typo
            return f"{request.reference}\n{values['tracking_url']}\n\n{values['centre']}"
