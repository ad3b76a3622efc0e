"""Writes of the SMS channel: storing what the SMSC or an HTTP gateway sends (raw, first),
applying delivery receipts to the parts of an outbound SMS, and opt-outs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from vik.audit.services import audit_record
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount, InboundPayload
from vik.channels.core.services import inbound_accept
from vik.contacts.choices import IdentityKind
from vik.contacts.models import Identity
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed

from . import selectors
from .models import PartState, SmsOptOut, SmsPart
from .smpp import Deliver

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

log = logging.getLogger(__name__)

SMPP_CONTENT_TYPE = "application/vnd.vik.smpp-deliver+json"
HTTP_CONTENT_TYPE = "application/json"


def deliver_store(*, account: ChannelAccount, deliver: Deliver) -> tuple[InboundPayload, bool]:
    """Store a deliver_sm as it came (the short message in hex), before anything reads it.

    An SMSC sends a deliver_sm again when its answer was lost: the key is the content and the
    ten minutes it arrived in, so the copy is stored once (a citizen who sends the very same
    text twice within ten minutes is counted once too)."""
    body = {
        "source": deliver.source,
        "destination": deliver.destination,
        "data_coding": deliver.data_coding,
        "esm_class": deliver.esm_class,
        "short_message": deliver.short_message.hex(),
        "receipted_message_id": deliver.receipted_message_id,
        "message_state": deliver.message_state,
    }
    raw = json.dumps(body, sort_keys=True).encode()
    window = int(clock.now().timestamp() // 600)
    key = f"smpp:{hashlib.sha256(raw).hexdigest()}:{window}"
    return inbound_accept(
        account=account, idempotency_key=key, body=raw, content_type=SMPP_CONTENT_TYPE,
        metadata={"via": "smpp", "receipt": deliver.is_receipt},
    )  # fmt: skip


def gateway_store(
    *, account: ChannelAccount, message_id: str, raw: bytes
) -> tuple[InboundPayload, bool]:
    """Store a message an HTTP SMS gateway posted, once per the gateway's id."""
    key = f"http:{hashlib.sha256(message_id.encode()).hexdigest()}"
    return inbound_accept(
        account=account, idempotency_key=key, body=raw, content_type=HTTP_CONTENT_TYPE,
        metadata={"via": "http"},
    )  # fmt: skip


def receipt_apply(
    *, part: SmsPart, delivered: bool, status: str, error: str, at: dt.datetime
) -> bool:
    """Mark a part delivered or failed (once: a receipt sent again changes nothing). Returns
    whether every part of its SMS is now delivered."""
    SmsPart.objects.filter(pk=part.pk).exclude(state=PartState.FAILED).update(
        state=PartState.DELIVERED if delivered else PartState.FAILED,
        error="" if delivered else f"{status} {error}".strip()[:200],
        done_at=at,
    )
    siblings = SmsPart.objects.filter(outbound_id=part.outbound_id)
    return not siblings.exclude(state=PartState.DELIVERED).exists()


def opt_out_record(*, account: ChannelAccount, phone: str, keyword: str) -> SmsOptOut:
    """The number asked for no more SMS: kept per region, and on the contact it belongs to."""
    identity = (
        Identity.objects.filter(region_id=account.region_id, kind=IdentityKind.PHONE, value=phone)
        .select_related("contact")
        .first()
    )
    contact = identity.contact if identity else None
    with transaction.atomic():
        opt_out, _created = SmsOptOut.objects.update_or_create(
            region_id=account.region_id, phone=phone,
            defaults={"contact": contact, "keyword": keyword, "created_at": clock.now()},
        )  # fmt: skip
        audit_record(
            actor=None, action="sms.opt_out", target=contact or opt_out, personal_data=True,
            details={"keyword": keyword, "account": account.name},
        )  # fmt: skip
    return opt_out


def opt_in_record(*, account: ChannelAccount, phone: str) -> bool:
    deleted, _ = SmsOptOut.objects.filter(region_id=account.region_id, phone=phone).delete()
    return bool(deleted)


def parts_prepare(*, plans: dict[int, tuple[int, int]]) -> dict[int, list[SmsPart]]:
    """The parts of outbound SMS ({outbound id: (parts, encoding)}), created on their first
    attempt and kept for the others; per outbound id, its parts in order. Three queries for a
    whole batch."""
    existing: dict[int, list[SmsPart]] = {}
    for part in SmsPart.objects.filter(outbound_id__in=plans).order_by("outbound_id", "seq"):
        existing.setdefault(part.outbound_id, []).append(part)
    missing = [
        SmsPart(outbound_id=outbound_id, seq=seq, total=total, encoding=coding)
        for outbound_id, (total, coding) in plans.items()
        if len(existing.get(outbound_id, [])) != total
        for seq in range(1, total + 1)
    ]
    if not missing:
        return existing
    SmsPart.objects.bulk_create(missing, ignore_conflicts=True)
    fresh: dict[int, list[SmsPart]] = {}
    for part in SmsPart.objects.filter(outbound_id__in=plans).order_by("outbound_id", "seq"):
        fresh.setdefault(part.outbound_id, []).append(part)
    return fresh


def parts_submitted(*, accepted: dict[int, str]) -> None:
    """Record the SMSC's message ids of the parts it accepted."""
    now = clock.now()
    parts = list(SmsPart.objects.filter(pk__in=accepted, state=PartState.PENDING))
    for part in parts:
        part.smsc_message_id = accepted[part.pk][:65]
        part.state, part.submitted_at = PartState.SUBMITTED, now
    SmsPart.objects.bulk_update(parts, ["smsc_message_id", "state", "submitted_at"])


def gateway_token_rotate(*, account: ChannelAccount, by: StaffUser) -> str:
    """A new token for the account's HTTP gateway (Authorization: Bearer …); the old one stops
    working. Returns the token: it is shown once and never stored (only its SHA-256, with its
    last characters and when it was made, in the account's settings). `by`: one who manages the
    account (a centre's lead for its own accounts, the region's coordinators and
    administrators)."""
    if account.kind != ChannelKind.SMS:
        raise ValidationFailed(_("Only an SMS account has a gateway token."))
    if not selectors.gateways_managed(by).filter(pk=account.pk).exists():
        raise PermissionDenied(_("You may not rotate the token of this SMS gateway."))
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        locked = ChannelAccount.objects.select_for_update().get(pk=account.pk)
        locked.settings = {
            **locked.settings,
            "gateway_token_sha256": selectors.token_hash(token),
            "gateway_token_hint": token[-4:],
            "gateway_token_rotated_at": clock.now().isoformat(),
        }
        locked.save(update_fields=["settings"])
        audit_record(
            actor=by, action="sms.gateway_token_rotated", target=locked,
            region_id=locked.region_id, details={"hint": token[-4:]},
        )  # fmt: skip
    return token


def audit_details(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != "text"}
