"""`{% sms_reply_counter item %}`: the SMS reply box's counter (characters, parts, alphabet, the
centre's monthly budget) under the reply of a request whose channel is SMS; nothing otherwise.
The workspace's template loads it by name; the workspace does not import the channel."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.conf import settings

from vik.channels.core.choices import ChannelKind, OutboundState
from vik.conversations.models import Interaction, Request

from ..adapter import SmsAdapter, parts_this_month
from ..models import PartState, SmsPart

register = template.Library()


@register.inclusion_tag("sms/_reply_counter.html")
def sms_reply_counter(item: Request) -> dict[str, Any]:
    if item.origin_channel != ChannelKind.SMS:  # no query for the requests of other channels
        return {"shown": False}
    account = item.origin_account
    if account is None or account.kind != ChannelKind.SMS:
        return {"shown": False}
    budget = settings.VIK_SMS_MONTHLY_BUDGET_PARTS
    used = parts_this_month(item.centre_id) if budget else 0
    return {
        "shown": True,
        "recipient": SmsAdapter().reply_recipient(item),
        "budget": budget,
        "used": used,
        "warn": math.ceil(budget * settings.VIK_SMS_BUDGET_WARN_RATIO),
    }


@register.inclusion_tag("sms/_delivery.html")
def sms_delivery(interaction: Interaction) -> dict[str, Any]:
    """Where an outbound SMS is: waiting, accepted by the SMSC, delivered (by the receipts of
    all its parts), or not delivered with the reason."""
    deliveries = list(interaction.deliveries.all())
    parts = list(SmsPart.objects.filter(outbound__in=deliveries))
    if not deliveries:
        return {"state": ""}
    failed = [d for d in deliveries if d.state == OutboundState.FAILED]
    if failed:
        return {"state": "failed", "reason": failed[0].last_error}
    if parts and all(p.state == PartState.DELIVERED for p in parts):
        return {"state": "delivered", "at": max(p.done_at for p in parts if p.done_at)}
    if any(d.state == OutboundState.SENT for d in deliveries):
        return {"state": "submitted", "parts": len(parts)}
    return {"state": "queued"}
