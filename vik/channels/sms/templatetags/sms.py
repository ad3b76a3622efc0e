"""`{% sms_reply_counter item %}`: the SMS reply box's counter (characters, parts, alphabet, the
centre's monthly budget) under the reply of a request whose channel is SMS; nothing otherwise.
The workspace's template loads it by name; the workspace does not import the channel."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.conf import settings

from vik.channels.core.choices import ChannelKind
from vik.conversations.models import Request
from vik.conversations.services import ReplyRoute, reply_routes

from ..adapter import SmsAdapter, parts_this_month

register = template.Library()


@register.inclusion_tag("sms/_reply_counter.html")
def sms_reply_counter(item: Request, routes: list[ReplyRoute] | None = None) -> dict[str, Any]:
    """`routes`: the reply form's (`conversations.reply_routes`), when the page has them.
    Shown when the reply can go by SMS: the request came by SMS, or the reply form offers
    SMS to one of the contact's numbers. `routes`: the reply form's choices that are SMS (the
    counter shows while one of them is chosen)."""
    if routes is None:
        routes = reply_routes(item)
    routes = [r for r in routes if r.kind == ChannelKind.SMS]
    account = item.origin_account
    by_origin = item.origin_channel == ChannelKind.SMS and account is not None
    if not routes and not by_origin:
        return {"shown": False}
    budget = settings.VIK_SMS_MONTHLY_BUDGET_PARTS
    used = parts_this_month(item.centre_id) if budget else 0
    recipient = next((r.recipient for r in routes if r.recipient), None)
    return {
        "shown": True,
        "recipient": recipient or (SmsAdapter().reply_recipient(item) if by_origin else None),
        "routes": " ".join(r.key for r in routes),
        "budget": budget,
        "used": used,
        "warn": math.ceil(budget * settings.VIK_SMS_BUDGET_WARN_RATIO),
    }
