"""The client's address, by one rule for the whole of VIK (sign-in lockouts, the audit log).

Without a trusted proxy (`VIK_TRUSTED_PROXY_COUNT=0`, the default) the address is the
connection's own and X-Forwarded-For is ignored: a client could write anything there. Behind N
proxies that each append the address they saw, the client is the N-th entry from the right; the
entries further left were written by the client and are not believed.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return client_ip_of(
        request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", "")
    )


def client_ip_of(remote_addr: str, forwarded_for: str) -> str | None:
    """The same rule for a connection that is no HttpRequest (a WebSocket's ASGI scope)."""
    remote = _address(remote_addr)
    proxies = settings.VIK_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [hop for hop in forwarded_for.split(",") if hop]
    if len(forwarded) < proxies:
        return remote  # not through all the proxies: the connection is what we know
    return _address(forwarded[-proxies]) or remote
