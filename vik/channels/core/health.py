"""The channels' checks for `/healthz` (registered in `ChannelsConfig.ready`)."""

from __future__ import annotations

from vik.core.health import HealthResult
from vik.core.workers import claimed_by_dead

from .choices import OutboundState, PayloadState
from .models import InboundPayload, OutboundMessage


def inbound_payloads() -> HealthResult:
    """Raw payloads waiting for intake, those set aside as suspicious, and those still claimed
    by a dead worker (until the next sweep takes them back: degraded)."""
    pending = InboundPayload.objects.filter(state=PayloadState.PENDING)
    stuck = pending.filter(claimed_by_dead(), claim_token__isnull=False).count()
    return HealthResult(
        {
            "pending": pending.count(),
            "quarantined": InboundPayload.objects.filter(state=PayloadState.QUARANTINED).count(),
            "claimed_by_dead_workers": stuck,
        },
        degraded=stuck > 0,
    )


def outbound_messages() -> HealthResult:
    """Messages waiting to be sent, those that could not be, and those still claimed by a dead
    worker (until the next sweep takes them back: degraded)."""
    stuck = OutboundMessage.objects.filter(claimed_by_dead(), state=OutboundState.SENDING).count()
    return HealthResult(
        {
            "queued": OutboundMessage.objects.filter(state=OutboundState.QUEUED).count(),
            "failed": OutboundMessage.objects.filter(state=OutboundState.FAILED).count(),
            "claimed_by_dead_workers": stuck,
        },
        degraded=stuck > 0,
    )
