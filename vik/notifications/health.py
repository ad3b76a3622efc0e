"""The staff notifications' check for `/healthz` (registered in `NotificationsConfig.ready`)."""

from __future__ import annotations

from vik.core.health import HealthResult

from .models import Notification


def notification_emails_waiting() -> HealthResult:
    """E-mails to staff not yet sent: each waits in its notification until sent or given up."""
    return HealthResult(
        {
            "waiting": Notification.objects.filter(
                email_due_at__isnull=False, emailed_at__isnull=True
            ).count()
        }
    )
