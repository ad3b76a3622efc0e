"""Reads of the SMS channel."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.tenancy import permissions

if TYPE_CHECKING:
    from vik.tenancy.types import Viewer


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def account_by_token(token: str) -> ChannelAccount | None:
    """The active SMS account whose gateway token this is (accounts keep only its SHA-256, in
    settings {"gateway_token_sha256": …}; rotating it is replacing the hash)."""
    if not token:
        return None
    wanted = token_hash(token)
    found = None
    for account in ChannelAccount.objects.filter(kind=ChannelKind.SMS, is_active=True):
        stored = str(account.settings.get("gateway_token_sha256", ""))
        if stored and hmac.compare_digest(stored, wanted):
            found = account
    return found


def gateways_managed(user: Viewer) -> QuerySet[ChannelAccount]:
    """The SMS accounts whose gateway token the user rotates: those whose quarantine the user
    reviews (`permissions.channel_accounts_managed`)."""
    return (
        ChannelAccount.objects.filter(permissions.channel_accounts_managed(user))
        .filter(kind=ChannelKind.SMS)
        .select_related("region", "centre")
        .order_by("name")
    )


def gateway_token_made(account: ChannelAccount) -> tuple[bool, str, dt.datetime | None]:
    """Whether the account has a gateway token, its last characters and when it was made
    ('' and None for one set by hand in its settings, before VIK kept these)."""
    if not account.settings.get("gateway_token_sha256"):
        return False, "", None
    made = str(account.settings.get("gateway_token_rotated_at", ""))
    try:
        at = dt.datetime.fromisoformat(made) if made else None
    except ValueError:
        at = None
    return True, str(account.settings.get("gateway_token_hint", "")), at
