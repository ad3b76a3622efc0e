"""A live chat on its request: each message an interaction, written as it is said.

The chat channel (`vik.channels.chat`) keeps the conversation's order and the clients' message
ids; what the timeline, the tracking page and the statistics read is written here, like every
other interaction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from vik.channels.core.models import ChannelAccount
from vik.core import clock

from .. import events
from ..choices import Direction, Status, Visibility
from ..models import Interaction, Request
from ..states import ON_CITIZEN_MESSAGE
from .deadlines import request_sla_on_first_response
from .inbound import citizen_wrote_apply

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def chat_interaction_record(
    *,
    request: Request,
    account: ChannelAccount | None,
    text: str,
    occurred_at: dt.datetime | None = None,
    agent: StaffUser | None = None,
    internal: bool = False,
) -> Interaction:
    """One message of a chat: the citizen's (`agent` None) or an agent's, public or an internal
    note. Precondition: inside the transaction that stores the chat message.

    The citizen's message wakes a request that waited for them or was resolved, and a closed
    one reopens (a chat continued later from the tracking link); an agent's first public
    message is the request's first response."""
    now = occurred_at or clock.now()
    interaction = Interaction.objects.create(
        request=request,
        direction=Direction.OUTBOUND if agent is not None else Direction.INBOUND,
        visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC,
        channel=account.kind if account is not None else request.origin_channel,
        account=account, author=agent, contact=request.requester, text=text, occurred_at=now,
    )  # fmt: skip
    fields = ["last_activity_at", "updated_at"]
    request.last_activity_at = now
    first_response = agent is not None and not internal and request.first_response_at is None
    if first_response:
        request.first_response_at = now
        fields.append("first_response_at")
    if first_response and request.status == Status.NEW:
        request.status = Status.OPEN
        fields.append("status")
        events.status_changed(request=request, old=Status.NEW, new=Status.OPEN, by=agent)
    request.save(update_fields=fields)
    if first_response:
        request_sla_on_first_response(request)
    if agent is None and (request.status in ON_CITIZEN_MESSAGE or request.status == Status.CLOSED):
        citizen_wrote_apply(request, channel=interaction.channel)
    return interaction
