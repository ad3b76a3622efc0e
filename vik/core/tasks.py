"""Enqueue tasks only once the surrounding transaction has committed.

A task enqueued inside a transaction that later rolls back would run against rows that do not
exist; a task enqueued before the commit could run before the rows are visible to the worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import django_rq
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_rq import RQBackend
from redis.exceptions import RedisError

from . import clock
from .models import WorkerHeartbeat
from .workers import heartbeat_timeout

log = logging.getLogger(__name__)

# A task queue that does not answer (Redis down): an outage, not a bug; no traceback needed.
BROKER_ERRORS: tuple[type[BaseException], ...] = (RedisError,)


def stale_claim() -> dt.timedelta:
    """A worker that died mid-task leaves its claim; after this long the sweeper takes it back."""
    return dt.timedelta(seconds=settings.VIK_STALE_CLAIM_SECONDS)


def backoff(attempts: int) -> dt.timedelta:
    """How long a failed attempt waits for the next: 30 s, 1 min, 2 min, … capped at one hour."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def enqueue_on_commit(task: Any, *args: Any, run_after: dt.datetime | None = None) -> None:
    def _enqueue() -> None:
        try:
            target = task
            if run_after is not None:
                if not task.get_backend().supports_defer:
                    return  # e.g. the immediate backend of the tests: the sweeper retries later
                target = task.using(run_after=run_after)
            target.enqueue(*args)
        except BROKER_ERRORS as error:
            log.warning("enqueue of %s failed (%s); the sweeper will pick it up", task, error)
        except Exception:
            # The row the task would process is committed and a sweeper re-enqueues stale work,
            # so a failed enqueue delays processing but loses nothing.
            log.exception("enqueue of %s%r failed; the sweeper will pick it up", task, args)

    transaction.on_commit(_enqueue)


def enqueue_once_on_commit(task: Any, *, gather: float = 0.0) -> None:
    """After commit, enqueue `task` (without arguments) unless it already waits in the queue.

    For tasks that take whatever work is there (drains): a waiting one will see this
    transaction's rows, because it claims them after it starts, and it starts after this check
    (a worker marks a task running before running it). A running one may already have looked,
    so it does not count. With a backend that cannot tell, the task is always enqueued.

    `gather` (seconds) defers the task a little, so that what arrives meanwhile is worked in
    the same batch instead of by a task each (a backend that cannot defer runs it at once).
    """

    def _enqueue() -> None:
        try:
            if _deferred_by_this_process(task) or _waiting(task):
                return
            target, run_after = task, None
            if gather > 0 and task.get_backend().supports_defer:
                run_after = timezone.now() + dt.timedelta(seconds=gather)
                target = task.using(run_after=run_after)
            target.enqueue()
            if run_after is not None:
                _deferred[task.module_path] = run_after
        except BROKER_ERRORS as error:
            log.warning("enqueue of %s failed (%s); the sweeper will pick it up", task, error)
        except Exception:
            log.exception("enqueue of %s failed; the sweeper will pick the work up", task)

    transaction.on_commit(_enqueue)


# task path -> run_after of the gathering task this process enqueued last. Until that moment
# (less a margin for the clocks of other machines) no worker may start it, so it still waits
# and will see what commits now: the web form's POSTs skip the question to the database.
_deferred: dict[str, dt.datetime] = {}
CLOCK_MARGIN = dt.timedelta(milliseconds=50)


def forget_deferred() -> None:
    _deferred.clear()


def _deferred_by_this_process(task: Any) -> bool:
    run_after = _deferred.get(task.module_path)
    return run_after is not None and timezone.now() < run_after - CLOCK_MARGIN


def _waiting(task: Any) -> bool:
    """Whether `task` waits in the queue, due or deferred (not yet running)."""
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, backend_name=backend.alias, task_path=task.module_path
    ).exists()


def tasks_waiting_since(moment: dt.datetime) -> bool:
    """Whether tasks enqueued before `moment` still wait for a worker (a backlog): due ones,
    and ones deferred by a moment to gather work (not retries deferred by their backoff).

    Then a row enqueued before `moment` and not yet claimed may simply not have had its turn.
    Only the database backend can tell; with any other backend the answer is no.
    """
    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return False
    soon = timezone.now() + dt.timedelta(minutes=1)
    return (
        DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, backend_name=backend.alias, enqueued_at__lte=moment
        )
        .filter(Q(run_after=get_date_max()) | Q(run_after__lte=soon))
        .exists()
    )


def tasks_pending() -> int:
    """How many tasks wait for a worker (due or deferred), for `/healthz`: the jobs queued and
    scheduled in Redis on the RQ backend (a Redis that does not answer raises), else the READY
    task rows of the database."""
    backend = task_backends["default"]
    if isinstance(backend, RQBackend):
        return sum(
            queue.count + queue.scheduled_job_registry.count
            for queue in map(django_rq.get_queue, sorted(backend.queues))
        )
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()


class WorkerDied(Exception):
    """Recorded on a task that was running when its worker died (its heartbeat went stale)."""


def _tasks_of_dead_workers(now: dt.datetime) -> list[DBTaskResult[Any, Any]]:
    """RUNNING task rows whose worker (the last in `worker_ids`) is dead: its heartbeat is
    older than the heartbeat timeout. A worker without any heartbeat row (`db_worker` run
    directly) is judged by the task's age: dead once the task ran longer than the lease."""
    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "beat_at"))
    stale, lease = now - heartbeat_timeout(), now - stale_claim()
    dead = []
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
        "worker_ids", "started_at"
    ):
        worker = row.worker_ids[-1] if row.worker_ids else None
        beat = beats.get(worker) if worker else None
        if (beat is not None and beat <= stale) or (
            beat is None and row.started_at is not None and row.started_at <= lease
        ):
            dead.append(row)
    return dead


def tasks_of_dead_workers_count() -> int:
    """How many task rows are RUNNING although their worker is dead (for `/healthz`)."""
    return len(_tasks_of_dead_workers(clock.now()))


def tasks_of_dead_workers_fail() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`): mark the RUNNING task rows of dead workers FAILED,
    with `WorkerDied` as their error, instead of leaving them RUNNING forever. The work itself
    is not lost: what the task had claimed is taken back by the sweepers of its app (e.g.
    `channels_sweep`) and done again by another task. Returns how many it marked."""
    now = clock.now()
    dead = _tasks_of_dead_workers(now)
    marked = 0
    for row in dead:
        worker = row.worker_ids[-1] if row.worker_ids else "?"
        error = f"{WorkerDied.__module__}.{WorkerDied.__qualname__}"
        marked += DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
            exception_class_path=error,
            traceback=f"{error}: worker {worker} died while running this task (its heartbeat "
            "went stale); the work it had claimed is taken back by the sweepers\n",
        )  # fmt: skip
    if marked:
        log.warning("marked %s task(s) of dead workers failed", marked)
    return marked
