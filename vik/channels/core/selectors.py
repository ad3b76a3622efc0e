from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from vik.tenancy import permissions

from .choices import PayloadState
from .models import ChannelAccount, InboundPayload
from .registry import registered_kinds

if TYPE_CHECKING:
    from vik.tenancy.types import Viewer


def quarantine_for(user: Viewer) -> QuerySet[InboundPayload]:
    """Quarantined payloads of the channel accounts the user manages, newest first."""
    accounts = ChannelAccount.objects.filter(permissions.channel_accounts_managed(user))
    return (
        InboundPayload.objects.filter(state=PayloadState.QUARANTINED, account__in=accounts)
        .select_related("account")
        .order_by("-received_at")
    )


def held_for(user: Viewer) -> QuerySet[InboundPayload]:
    """Payloads held as likely spam, of the channel accounts the user manages, newest first."""
    accounts = ChannelAccount.objects.filter(permissions.channel_accounts_managed(user))
    return (
        InboundPayload.objects.filter(state=PayloadState.HELD, account__in=accounts)
        .select_related("account")
        .order_by("-received_at")
    )


def sending_accounts(
    *, region_id: int, centre_id: int | None, kinds: list[str]
) -> dict[str, ChannelAccount]:
    """The active account of each of `kinds` that sends for the centre: the centre's own, else
    the region's (one serving every centre); none for a kind without an account, or whose
    adapter is not installed (its messages would wait in the outbox for nothing). One query."""
    kinds = [kind for kind in kinds if kind in registered_kinds()]
    found: dict[str, ChannelAccount] = {}
    if not kinds:
        return found
    for account in ChannelAccount.objects.filter(
        region_id=region_id, kind__in=kinds, is_active=True
    ).order_by("pk"):
        if account.centre_id not in (None, centre_id):
            continue
        held = found.get(account.kind)
        if held is None or (held.centre_id is None and account.centre_id is not None):
            found[account.kind] = account
    return found
