"""Operational endpoints."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from . import clock
from .models import WorkerHeartbeat

HEARTBEAT_STALE = dt.timedelta(seconds=60)


def mailboxes_failing() -> list[dict[str, object]]:
    """Mailboxes whose last poll failed: polling resumes by itself, but someone should know."""
    from vik.channels.email.models import MailboxState

    return [
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


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database state, pending work and the worker's last heartbeat, for monitoring."""
    from django_tasks_db.models import DBTaskResult

    from vik.channels.core.choices import OutboundState, PayloadState
    from vik.channels.core.models import InboundPayload, OutboundMessage
    from vik.notifications.models import Notification

    body: dict[str, object] = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = {"status": "ok", "vendor": connection.vendor}
        body["tasks"] = {"pending": DBTaskResult.objects.filter(status="READY").count()}
        body["inbound"] = {
            "pending": InboundPayload.objects.filter(state=PayloadState.PENDING).count(),
            "quarantined": InboundPayload.objects.filter(state=PayloadState.QUARANTINED).count(),
        }
        body["outbound"] = {
            "queued": OutboundMessage.objects.filter(state=OutboundState.QUEUED).count(),
            "failed": OutboundMessage.objects.filter(state=OutboundState.FAILED).count(),
        }
        body["notification_emails"] = {  # to staff; each waits until sent or given up
            "waiting": Notification.objects.filter(
                email_due_at__isnull=False, emailed_at__isnull=True
            ).count()
        }
        beat = WorkerHeartbeat.objects.order_by("-beat_at").first()
        age = (clock.now() - beat.beat_at).total_seconds() if beat else None
        body["worker"] = {
            "last_heartbeat": beat.beat_at.isoformat() if beat else None,
            "seconds_ago": round(age, 1) if age is not None else None,
            "status": "ok"
            if age is not None and age < HEARTBEAT_STALE.total_seconds()
            else "stale",
        }
        failing = mailboxes_failing()
        body["mailboxes"] = {"failing": failing}
        if body["worker"]["status"] != "ok" or failing:  # type: ignore[index]
            body["status"] = "degraded"
    except Exception as error:  # the point of /healthz is to answer even then
        body = {"status": "error", "database": {"status": "error", "error": str(error)}}
        return JsonResponse(body, status=503)
    return JsonResponse(body)
