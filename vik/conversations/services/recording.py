"""Requests a clerk records: what came by phone, at the counter, by letter, or on the clerk's
own initiative (`/staff/requests/new/`), and the receipt the citizen gets for one.

A recorded request is opened as any other (`opening.request_open`: its reference, routing and
deadlines), with the contact resolved as the channels resolve theirs (`contact_resolve`), the
citizen's words as its first, inbound interaction (authored by the clerk), and the files as that
interaction's attachments. An answer given on the spot is a public reply (`request_reply`) that
resolves the request in the same transaction: it counts in every statistic as any other.

What the recording keeps for later (issue 15): the "created" timeline event of the request has
the clerk as its actor and `data = {"channel": <kind>, "call": <the phone system's call id>}`
when the form was opened from a call (`?call=`), so that the phone channel can find the request
of a call: `TimelineEvent.objects.filter(kind=EventKind.CREATED, data__call=call_id)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from vik.audit.services import audit_record
from vik.channels.core.base import InboundAttachment
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.core.selectors import sending_accounts
from vik.channels.core.services import outbound_queue
from vik.contacts.choices import IdentityKind
from vik.contacts.models import Contact
from vik.contacts.services import contact_resolve
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.core.text import subject_from_text
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre
from vik.territory.models import Municipality
from vik.topics.models import Topic

from ..choices import Direction, EventKind, RequestKind, Status, Visibility
from ..models import Interaction, Request, TimelineEvent
from .acknowledgements import acknowledgement_text
from .attachments import interaction_attachments_store
from .changes import request_assign
from .opening import request_open
from .replies import request_reply

if TYPE_CHECKING:
    from django.http import HttpRequest

    from vik.tenancy.types import StaffUser

# The channels a person brings a request in by, which a clerk records.
RECORDED_CHANNELS = (
    ChannelKind.PHONE,
    ChannelKind.COUNTER,
    ChannelKind.LETTER,
    ChannelKind.INTERNAL,
)
# How a receipt may reach the citizen (besides printing it).
RECEIPT_CHANNELS = (ChannelKind.EMAIL, ChannelKind.SMS)


@transaction.atomic
def request_record(
    *,
    by: StaffUser,
    centre: InformationCentre,
    channel: str,
    contact: Contact | None = None,
    name: str = "",
    phone: str = "",
    email: str = "",
    municipality: Municipality | None = None,
    topic: Topic | None = None,
    kind: str = RequestKind.INQUIRY,
    subject: str = "",
    text: str,
    received_at: dt.datetime | None = None,
    attachments: Sequence[InboundAttachment] = (),
    answer: str = "",
    call_id: str = "",
    http_request: HttpRequest | None = None,
) -> Request:
    """Record a request a person brought in, for `centre` (the clerk's): routed as any other
    (`default_centre`: the clerk's centre unless a routing rule names another), its deadlines
    running from `received_at` (a letter's or an information request's time of receipt).

    `contact`: one the clerk chose; else the contact with `phone` or `email` (normalised), or a
    new one (with neither: an anonymous visitor). `answer`: the answer given on the spot; the
    request then stays with the clerk (their centre, assigned to them) and is resolved.
    """
    if channel not in RECORDED_CHANNELS:
        raise ValidationFailed(
            _("A clerk records requests by phone, counter, letter or own initiative.")
        )
    if not permissions.can_record_request(by, centre_id=centre.pk, region_id=centre.region_id):
        raise PermissionDenied(_("You may not record requests for this centre."))
    if not text.strip():
        raise ValidationFailed(_("Write what the citizen asks."))
    region = centre.region
    now = clock.now()
    received_at = received_at or now
    if received_at > now:
        raise ValidationFailed(_("The time of receipt cannot be in the future."))
    if contact is not None and (
        contact.region_id != region.pk or not permissions.can_view_contact(by, contact)
    ):
        raise PermissionDenied(_("You may not record a request for this contact."))
    if contact is None:
        identities = [(IdentityKind.PHONE, phone), (IdentityKind.EMAIL, email)]
        contact = contact_resolve(
            region=region, identities=[(k, v) for k, v in identities if v], name=name
        )
    answered = bool(answer.strip())
    request = request_open(
        region=region, requester=contact, subject=(subject or subject_from_text(text)).strip(),
        channel=channel, kind=kind, topic=topic, municipality=municipality,
        centre=centre if answered else None, opened_at=received_at, text=text,
        default_centre=centre, recorded_by=by, recorded={"call": call_id} if call_id else None,
    )  # fmt: skip
    interaction = Interaction.objects.create(
        request=request, direction=Direction.INBOUND, visibility=Visibility.PUBLIC,
        channel=channel, contact=contact, author=by, subject=request.subject,
        text=text.strip(), occurred_at=received_at,
    )  # fmt: skip
    interaction_attachments_store(interaction, attachments)
    details: dict[str, object] = {"channel": channel, "answered": answered}
    if call_id:
        details["call"] = call_id
    audit_record(
        actor=by, action="request.record", target=request, personal_data=True,
        request=http_request, details=details,
    )  # fmt: skip
    if answered:
        request_assign(request=request, assignee=by, by=by)
        request_reply(request=request, by=by, text=answer, status=Status.RESOLVED)
    return request


def recorded_by(request: Request) -> int | None:
    """The id of the clerk who recorded the request (None: the citizen's own message opened it)."""
    return (
        TimelineEvent.objects.filter(request=request, kind=EventKind.CREATED)
        .values_list("actor_id", flat=True)
        .first()
    )


def receipt_accounts(request: Request) -> dict[str, ChannelAccount]:
    """The active accounts a receipt of `request` can go out by, per kind (e-mail, SMS): those
    a reply would go by (`sending_accounts`: the centre's own, else the region's; only kinds
    whose adapter is installed)."""
    return sending_accounts(
        region_id=request.region_id, centre_id=request.centre_id, kinds=list(RECEIPT_CHANNELS)
    )


@transaction.atomic
def request_receipt_send(
    *, request: Request, by: StaffUser, kind: str, recipient: str
) -> Interaction:
    """Send the citizen the receipt of a recorded request (its reference and tracking link) by
    e-mail or SMS, through the outbox as every outbound message; kept on the request as a
    public outbound interaction. `recipient`: a normalised address or E.164 number."""
    if not permissions.can_give_receipt(by, request, recorded_by_id=recorded_by(request)):
        raise PermissionDenied(_("You may not send this receipt."))
    account = receipt_accounts(request).get(kind)
    if account is None or not recipient:
        raise ValidationFailed(_("This receipt cannot be sent that way."))
    interaction = Interaction.objects.create(
        request=request, direction=Direction.OUTBOUND, visibility=Visibility.PUBLIC,
        channel=account.kind, account=account, contact=request.requester, author=by,
        subject=_("Receipt %(reference)s") % {"reference": request.reference},
        text=acknowledgement_text(request), occurred_at=clock.now(),
    )  # fmt: skip
    outbound_queue(account=account, interaction=interaction, recipient=recipient)
    return interaction
