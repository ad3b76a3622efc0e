"""The e-mail channel's check for `/healthz` (registered in `EmailChannelConfig.ready`)."""

from __future__ import annotations

from vik.core.health import HealthResult

from .models import MailboxState


def mailboxes_failing() -> HealthResult:
    """Mailboxes whose last poll failed: polling resumes by itself, but someone should know."""
    failing = [
        {
            "account": state.account.name,
            "folder": state.folder,
            "error": state.last_error,
            "failures": state.consecutive_failures,
            "last_success": state.last_success_at.isoformat() if state.last_success_at else None,
        }
        for state in MailboxState.objects.filter(consecutive_failures__gt=0).select_related(
            "account"
        )
    ]
    return HealthResult({"failing": failing}, degraded=bool(failing))
