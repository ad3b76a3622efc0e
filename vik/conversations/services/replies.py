"""A member of staff writes on a request: public replies and internal notes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from vik.channels.core.base import (
    InboundAttachment,
)
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.core.registry import adapter_for, registered_kinds
from vik.channels.core.selectors import sending_accounts
from vik.channels.core.services import outbound_queue
from vik.contacts.choices import IdentityKind
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


ROUTE_ORIGIN = "origin"
ROUTE_TRACKING = "tracking"


@dataclass(frozen=True)
class ReplyRoute:
    """One way a public reply can reach the citizen. `key`: what the reply form posts
    ("origin", "email:<address>", "sms:<number>", "tracking"); `kind`: the channel kind
    ('' for the tracking page only); `recipient`: the address ('' when the channel has none)."""

    key: str
    kind: str
    recipient: str
    account: ChannelAccount | None


def reply_routes(request: Request) -> list[ReplyRoute]:
    """The ways a reply to `request` can reach its requester, the default first: the request's
    own channel when it has an account; e-mail to each of the contact's addresses through the
    centre's (else the region's) e-mail account; SMS to each of their numbers that did not opt
    out, through the region's SMS account; and always the tracking page alone."""
    routes: list[ReplyRoute] = []
    origin = request.origin_account
    if origin is not None and origin.kind in registered_kinds():
        recipient = adapter_for(origin.kind).reply_recipient(request) or ""
        routes.append(ReplyRoute(ROUTE_ORIGIN, origin.kind, recipient, origin))
    taken = {route.recipient for route in routes if route.recipient}
    identities = list(request.requester.identities.order_by("pk"))
    wanted: dict[str, str] = {
        IdentityKind.EMAIL: ChannelKind.EMAIL,
        IdentityKind.PHONE: ChannelKind.SMS,
    }
    kinds = sorted({wanted[i.kind] for i in identities if i.kind in wanted})
    accounts = sending_accounts(
        region_id=request.region_id, centre_id=request.centre_id, kinds=kinds
    )
    for identity_kind, kind in wanted.items():
        account = accounts.get(kind)
        if account is None:
            continue
        adapter = adapter_for(kind)
        for identity in identities:
            value = identity.value
            if identity.kind != identity_kind or value in taken:
                continue
            if adapter.may_send_to(request.region_id, value):
                routes.append(ReplyRoute(f"{kind}:{value}", kind, value, account))
                taken.add(value)
    routes.append(ReplyRoute(ROUTE_TRACKING, "", "", None))
    return routes


def reply_route_choose(routes: list[ReplyRoute], key: str | None) -> ReplyRoute:
    """The route posted as `key` (None: the default, the first); refused when not offered."""
    if not key:
        return routes[0]
    for route in routes:
        if route.key == key:
            return route
    raise ValidationFailed(_("The reply cannot be sent that way."))


@transaction.atomic
def request_reply(
    *,
    request: Request,
    by: StaffUser,
    text: str,
    status: str | None = None,
    attachments: Iterable[InboundAttachment] = (),
    articles: Iterable[int] = (),
    route: str | None = None,
) -> Interaction:
    """A public reply: shown on the tracking page and delivered the way `route` says (a key of
    `reply_routes`; None: the default, the channel of origin wherever that channel has an
    address for the citizen, else e-mail, else SMS). `articles`: the knowledge articles the
    agent inserted into the reply (their use is counted)."""
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
    chosen = reply_route_choose(reply_routes(request), route)
    if chosen.account is not None:
        refusal = adapter_for(chosen.account.kind).reply_refusal(request, text.strip())
        if refusal:
            raise ValidationFailed(refusal)
    now = clock.now()
    interaction = Interaction.objects.create(
        request=request, direction=Direction.OUTBOUND, visibility=Visibility.PUBLIC,
        channel=chosen.kind or request.origin_channel, account=chosen.account, author=by,
        contact=request.requester, text=text.strip(), occurred_at=now,
    )  # fmt: skip
    interaction_attachments_store(interaction, attachments)
    if chosen.account is not None and chosen.recipient:
        outbound_queue(account=chosen.account, interaction=interaction, recipient=chosen.recipient)
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
    reply_usage_record(  # the usage metrics, and learning from use (the subject as query)
        text=interaction.text, centre_id=request.centre_id, articles=articles,
        subject=request.subject, by_id=by.pk,
    )  # fmt: skip
    if status and status != request.status:
        request_set_status(request=request, status=status, by=by)
    return interaction


@transaction.atomic
def request_message_automatic(
    *, request: Request, route: ReplyRoute, text: str, subject: str = ""
) -> Interaction:
    """A message VIK itself sends the citizen about their request (the invitation to rate
    it): public and automatic, delivered by `route` (one of `reply_routes`; the tracking page
    alone when it has no account), `subject` the e-mail's from the portal. It changes neither
    the status nor the deadlines."""
    interaction = Interaction.objects.create(
        request=request, direction=Direction.OUTBOUND, visibility=Visibility.PUBLIC,
        channel=route.kind or request.origin_channel, account=route.account,
        contact=request.requester, is_automatic=True, subject=subject, text=text,
        occurred_at=clock.now(),
    )  # fmt: skip
    if route.account is not None and route.recipient:
        outbound_queue(account=route.account, interaction=interaction, recipient=route.recipient)
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
