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

from ..adapter import SmsAdapter, parts_this_month

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
