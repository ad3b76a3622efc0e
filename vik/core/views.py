"""Operational endpoints."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from . import clock
from .health import run_checks
from .models import WorkerHeartbeat
from .tasks import BROKER_ERRORS, tasks_of_dead_workers_count, tasks_pending
from .workers import heartbeat_timeout


def worker_state() -> dict[str, object]:
    """The newest heartbeat of a running `vik worker`, and whether it is recent enough."""
    beat = WorkerHeartbeat.objects.order_by("-beat_at").first()
    age = (clock.now() - beat.beat_at).total_seconds() if beat else None
    alive = age is not None and age < heartbeat_timeout().total_seconds()
    return {
        "last_heartbeat": beat.beat_at.isoformat() if beat else None,
        "seconds_ago": round(age, 1) if age is not None else None,
        "status": "ok" if alive else "stale",
    }


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database state, pending work and the worker's last heartbeat, for monitoring; then
    each app's own checks (`vik.core.health`)."""
    body: dict[str, object] = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = {"status": "ok", "vendor": connection.vendor}
        stuck = tasks_of_dead_workers_count()  # until the next sweep marks them failed
        queue_down = False
        try:
            body["tasks"] = {"pending": tasks_pending(), "running_of_dead_workers": stuck}
        except BROKER_ERRORS as error:  # Redis (the RQ backend) does not answer: work waits
            queue_down = True
            body["tasks"] = {"status": "error", "error": f"task queue unavailable: {error}"}
        worker = worker_state()
        body["worker"] = worker
        degraded = worker["status"] != "ok" or stuck > 0 or queue_down
        for name, result in run_checks().items():
            body[name] = result.report
            degraded = degraded or result.degraded
        if degraded:
            body["status"] = "degraded"
    except Exception as error:  # the point of /healthz is to answer even then
        body = {"status": "error", "database": {"status": "error", "error": str(error)}}
        return JsonResponse(body, status=503)
    return JsonResponse(body)
