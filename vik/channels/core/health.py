"""The channels' checks for `/healthz` (registered in `ChannelsConfig.ready`)."""

from __future__ import annotations

from vik.core.health import HealthResult

from .choices import OutboundState, PayloadState
from .models import InboundPayload, OutboundMessage


def inbound_payloads() -> HealthResult:
    """Raw payloads waiting for intake, and those set aside as suspicious."""
    return HealthResult(
        {
            "pending": InboundPayload.objects.filter(state=PayloadState.PENDING).count(),
            "quarantined": InboundPayload.objects.filter(state=PayloadState.QUARANTINED).count(),
        }
    )


def outbound_messages() -> HealthResult:
    """Messages waiting to be sent, and those that could not be."""
    return HealthResult(
        {
            "queued": OutboundMessage.objects.filter(state=OutboundState.QUEUED).count(),
            "failed": OutboundMessage.objects.filter(state=OutboundState.FAILED).count(),
        }
    )
