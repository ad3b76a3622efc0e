"""Reads of the SMS channel."""

from __future__ import annotations

import hashlib
import hmac

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount


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
