"""Which `vik worker` this process is, and which workers are alive (their heartbeat is recent).

A worker records its id here once at startup (`worker_set`); the code that claims work tags
the claimed rows with it (`worker_current`), so that the sweeper can take a claim back as soon
as its claimer's heartbeat is older than `VIK_WORKER_HEARTBEAT_TIMEOUT_SECONDS`
(`workers_alive`), instead of waiting for the claim's lease. Claims made outside a worker (tests,
`vik worker --batch`, a shell) carry no id and are taken back when their lease expires.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet

from . import clock
from .models import WorkerHeartbeat

_current: str | None = None


def worker_set(worker_id: str | None) -> None:
    """Record (once, at startup) the id of the `vik worker` this process runs; None: none."""
    global _current
    _current = worker_id


def worker_current() -> str | None:
    """The id of the `vik worker` this process runs (None outside a beating worker)."""
    return _current


def heartbeat_timeout() -> dt.timedelta:
    """A worker whose last beat is older than this is dead: its claims and tasks are taken back."""
    return dt.timedelta(seconds=settings.VIK_WORKER_HEARTBEAT_TIMEOUT_SECONDS)


def workers_alive(now: dt.datetime | None = None) -> QuerySet[WorkerHeartbeat, str]:
    """The ids of the workers whose heartbeat is recent (a subquery for `__in`)."""
    since = (now or clock.now()) - heartbeat_timeout()
    return WorkerHeartbeat.objects.filter(beat_at__gt=since).values_list("worker_id", flat=True)


def claimed_by_dead(field: str = "claimed_by", now: dt.datetime | None = None) -> Q:
    """Rows claimed by a worker (`field` holds its id) whose heartbeat is stale or gone."""
    return Q(**{f"{field}__isnull": False}) & ~Q(**{f"{field}__in": workers_alive(now)})
