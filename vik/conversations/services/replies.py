"""A member of staff writes on a request: public replies and internal notes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from vik.channels.core.base import (
    InboundAttachment,
)
from vik.channels.core.registry import adapter_for
from vik.channels.core.services import outbound_queue
from vik.core import clock
from vik.core.errors import ValidationFailed
from vik.knowledge.services import reply_usage_record
from vik.notifications.services import note_mentions_notify

from .. import events
from ..choices import Direction, Status, Visibility
from ..models import (
    Interaction,
    Request,
)
from ..states import check_transition
from .attachments import interaction_attachments_store
from .changes import request_require_work, request_set_status
from .deadlines import (
    request_sla_on_first_response,
)

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


@transaction.atomic
def request_reply(
    *,
    request: Request,
    by: StaffUser,
    text: str,
    status: str | None = None,
    attachments: Iterable[InboundAttachment] = (),
    articles: Iterable[int] = (),
) -> Interaction:
    """A public reply on the request's channel: shown on the tracking page and delivered through
    the channel of origin wherever that channel has an address for the citizen. `articles`:
    the knowledge articles the agent inserted into the reply (their use is counted)."""
    request_require_work(request, by)
    if request.merged_into_id is not None:
        raise ValidationFailed(
            _("This request was merged into %(reference)s: reply there.")
            % {"reference": request.merged_into.reference if request.merged_into else ""}
        )
    if not text.strip():
        raise ValidationFailed("A reply cannot be empty.")
    if status:
        check_transition(request.status, status)
    if request.origin_account is not None:
        refusal = adapter_for(request.origin_account.kind).reply_refusal(request, text.strip())
        if refusal:
            raise ValidationFailed(refusal)
    now = clock.now()
    interaction = Interaction.objects.create(
        request=request, direction=Direction.OUTBOUND, visibility=Visibility.PUBLIC,
        channel=request.origin_channel, account=request.origin_account, author=by,
        contact=request.requester, text=text.strip(), occurred_at=now,
    )  # fmt: skip
    interaction_attachments_store(interaction, attachments)
    if request.origin_account is not None:
        recipient = adapter_for(request.origin_account.kind).reply_recipient(request)
        if recipient:
            outbound_queue(
                account=request.origin_account, interaction=interaction, recipient=recipient
            )
    fields = ["last_activity_at", "updated_at"]
    request.last_activity_at = now
    first_response = request.first_response_at is None
    if first_response:
        request.first_response_at = now
        fields.append("first_response_at")
    if request.status == Status.NEW and not status:
        status = Status.OPEN
    request.save(update_fields=fields)
    if first_response:
        request_sla_on_first_response(request)
    events.replied(request=request, by=by)
    reply_usage_record(  # the usage metrics
        text=interaction.text, centre_id=request.centre_id, articles=articles
    )
    if status and status != request.status:
        request_set_status(request=request, status=status, by=by)
    return interaction


@transaction.atomic
def request_note(*, request: Request, by: StaffUser, text: str) -> Interaction:
    request_require_work(request, by)
    if not text.strip():
        raise ValidationFailed("A note cannot be empty.")
    note = Interaction.objects.create(
        request=request, direction=Direction.INTERNAL, visibility=Visibility.INTERNAL,
        channel="internal", author=by, text=text.strip(), occurred_at=clock.now(),
    )  # fmt: skip
    events.note_added(request=request, by=by)
    note_mentions_notify(note=note, by=by)
    return note
