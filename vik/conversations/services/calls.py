"""The phone line on a request: a clerk records a call (an interaction of the phone channel);
VIK texts the citizen it could not call back."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.core.services import outbound_queue
from vik.core import clock

from ..choices import Direction, Visibility
from ..models import Interaction, Request
from .changes import request_require_work

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


@transaction.atomic
def request_call_record(
    *,
    request: Request,
    by: StaffUser,
    inbound: bool,
    text: str,
    occurred_at: dt.datetime,
    account: ChannelAccount | None = None,
) -> Interaction:
    """The call as an interaction of `request` (the facts of the call and the clerk's summary in
    `text`): from the citizen when they called, to the citizen when the office called. Internal:
    a call is no message the tracking page repeats to the citizen."""
    request_require_work(request, by)
    interaction = Interaction.objects.create(
        request=request,
        direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
        visibility=Visibility.INTERNAL,
        channel=ChannelKind.PHONE,
        account=account,
        author=by,
        contact=request.requester,
        text=text,
        occurred_at=occurred_at,
    )
    request.last_activity_at = clock.now()
    request.save(update_fields=["last_activity_at", "updated_at"])
    return interaction


@transaction.atomic
def request_text_queue(
    *, request: Request, account: ChannelAccount, recipient: str, text: str
) -> Interaction:
    """A text VIK itself sends the citizen about `request` through `account` (an SMS account):
    a public outbound interaction, delivered by the outbox."""
    interaction = Interaction.objects.create(
        request=request,
        direction=Direction.OUTBOUND,
        visibility=Visibility.PUBLIC,
        channel=account.kind,
        account=account,
        contact=request.requester,
        text=text,
        occurred_at=clock.now(),
        is_automatic=True,
    )
    outbound_queue(account=account, interaction=interaction, recipient=recipient)
    return interaction
