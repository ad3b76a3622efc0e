from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from vik.tenancy import permissions

from .choices import PayloadState
from .models import ChannelAccount, InboundPayload

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
