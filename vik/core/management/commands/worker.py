"""`vik worker`: the task worker (django-tasks database backend) with a heartbeat and the
periodic jobs listed in `VIK_PERIODIC_JOBS` (the sweeper that re-enqueues lost work).

It runs every queue. Start one or more; they share work through row locks.

It outlives a database outage: `django_tasks_db`'s loop re-raises every database error but
"database is locked", so the loop is wrapped. On a database or connection error the worker logs
one WARNING for the outage (not one per retry), closes its connection, and tries again after a
backoff with jitter (0.5 s doubling to 10 s, +-20 %) until the database answers; then it logs
how long the outage lasted and works on. The housekeeper thread (heartbeat, periodic jobs) does
the same on its own connection; after an outage it beats at once and holds the sweeper back
for one capped backoff, so that the claims of workers that have not beaten yet are not taken.
On the RQ backend a Redis outage is outlived the same way (`run_rq`).

The worker exits only on a signal (SIGTERM, SIGINT, SIGQUIT) or on a configuration error: a
database that answers at startup but lacks the task table (not migrated) is one, and so is
`ImproperlyConfigured`. A database that does not answer at startup is an outage: the worker
waits for it, so that it may start before the database does.
"""

from __future__ import annotations

import itertools
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import django_rq
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
)
from django.db.utils import Error as DjangoDatabaseError
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_rq import Job as RQJob
from redis.exceptions import RedisError
from rq.exceptions import StopRequested

from vik.core import clock
from vik.core.models import WorkerHeartbeat
from vik.core.workers import worker_set

log = logging.getLogger("vik.worker")

# What an outage looks like: the database (any Django database error: the server is gone, the
# connection broke, a statement failed on a dead connection) or the network below it.
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (DjangoDatabaseError, OSError)
BACKOFF_FIRST = 0.5
# The retries probe with a trivial query, so the cap can be short: a worker is back at most
# about 12 s after the database.
BACKOFF_MAX = 10.0
BACKOFF_JITTER = 0.2
# After an outage the housekeeper beats at once but waits this long before its periodic jobs:
# the other live workers beat within one capped backoff of the database's return, and until
# they have, the sweeper would take their claims for a dead worker's.
RECOVERY_GRACE = BACKOFF_MAX * (1 + BACKOFF_JITTER) + 1.0


class Outage:
    """The state of one outage as one loop sees it: one WARNING when it starts, a growing
    backoff with jitter while it lasts, one line with its length when it ends."""

    def __init__(self, who: str, what: str = "database") -> None:
        self.who = who
        self.what = what
        self.since: float | None = None
        self.delay = BACKOFF_FIRST
        self.retries = 0

    def failed(self, error: BaseException) -> float:
        """Note a failure; return how long to wait before the next try."""
        if self.what == "database":
            drop_connection()
        if self.since is None:
            self.since = time.monotonic()
            self.delay = BACKOFF_FIRST
            self.retries = 0
            first_line = (str(error).strip().splitlines() or [""])[0]
            log.warning(
                "%s: %s unavailable (%s: %s); retrying with backoff until it is back",
                self.who, self.what, type(error).__name__, first_line,
            )  # fmt: skip
        else:
            self.delay = min(self.delay * 2, BACKOFF_MAX)
        self.retries += 1
        return self.delay * random.uniform(1 - BACKOFF_JITTER, 1 + BACKOFF_JITTER)

    def recovered(self) -> bool:
        """Note a success; whether it ended an outage."""
        if self.since is None:
            return False
        log.warning(
            "%s: %s back after %.1f s (%d retries)",
            self.who, self.what, time.monotonic() - self.since, self.retries,
        )  # fmt: skip
        self.since = None
        return True


def drop_connection() -> None:
    """Close this thread's connection, broken or not: the next query opens a new one."""
    try:
        connection.close()
    except Exception:  # a broken connection may fail to close; it is dropped all the same
        connection.connection = None


def database_answers() -> bool:
    """Whether the database answers a trivial query now (on a fresh connection if needed)."""
    try:
        close_old_connections()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except OUTAGE_ERRORS:
        drop_connection()
        return False
    return True


def check_configuration() -> None:
    """Raise CommandError when the database answers but is not VIK's (not migrated)."""
    try:
        DBTaskResult.objects.exists()
        WorkerHeartbeat.objects.exists()
    except (OperationalError, InterfaceError):
        raise  # an outage, or a missing table on SQLite: told apart by the caller
    except DatabaseError as error:  # PostgreSQL: relation does not exist
        raise CommandError(
            f"the database is not ready for VIK (run `vik migrate`): {error}"
        ) from error


def beat(worker_id: str, started_at: Any) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": clock.now(),
        },
    )


def run_periodic_jobs() -> None:
    """Run each periodic job; one that fails is logged and the next runs. A lost database is
    not the job's failure: it is raised, for the housekeeper to wait for the database."""
    for path in settings.VIK_PERIODIC_JOBS:
        try:
            import_string(path)()
        except (OperationalError, InterfaceError):
            if not database_answers():
                raise
            log.exception("periodic job %s failed", path)
        except Exception:
            log.exception("periodic job %s failed", path)


class Housekeeper(threading.Thread):
    """Beats every `interval` seconds and runs the periodic jobs, on its own DB connection."""

    def __init__(self, worker_id: str, interval: float) -> None:
        super().__init__(name="vik-housekeeper", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.stopped = threading.Event()
        self.started_at = clock.now()

    def run(self) -> None:
        outage = Outage("housekeeper")
        quiet_until = 0.0
        while not self.stopped.is_set():
            wait = self.interval
            try:
                close_old_connections()
                beat(self.worker_id, self.started_at)
                if outage.recovered():
                    quiet_until = time.monotonic() + RECOVERY_GRACE
                if time.monotonic() >= quiet_until:
                    run_periodic_jobs()
            except OUTAGE_ERRORS as error:
                wait = min(outage.failed(error), self.interval)
            except Exception:
                log.exception("housekeeping failed; trying again")
            self.stopped.wait(wait)
        drop_connection()


class Command(BaseCommand):
    help = "Run the VIK task worker (all queues), with heartbeat and the sweeper."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="exit when no task is left")
        parser.add_argument("--interval", type=float, default=0.5, help="poll interval (s)")
        parser.add_argument("--housekeeping-interval", type=float, default=15.0)
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--worker-id", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = (
            options["worker_id"] or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        )
        worker = Worker(
            queue_names=["*"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
        if rq_configured():
            run_rq(worker_id[:64], options)
            return
        if options["batch"]:
            beat(worker_id[:64], clock.now())
            run_periodic_jobs()
            worker.run()
            return
        worker.configure_signals()
        wait_for_database(worker_id)
        housekeeper = Housekeeper(worker_id[:64], options["housekeeping_interval"])
        housekeeper.start()
        worker_set(worker_id[:64])  # the claims it makes name it (a batch run does not beat)
        log.info("worker %s started", worker_id)
        try:
            run_through_outages(worker, worker_id)
        finally:
            housekeeper.stopped.set()


def rq_configured() -> bool:
    """Whether the tasks wait in Redis (`VIK_TASKS_BACKEND=django_tasks_rq.RQBackend`)."""
    return str(settings.TASKS["default"]["BACKEND"]) == settings.RQ_BACKEND


def run_rq(worker_id: str, options: dict[str, Any]) -> None:
    """Run an RQ worker on VIK's queues in this process, the housekeeper beside it.

    A `SimpleWorker` runs each job in this process (no fork per job): the claims its tasks make
    name this worker, whose heartbeat the housekeeper keeps, so a killed worker's claims come
    back through the sweepers as with the database backend. RQ's scheduler runs in it too, for
    the deferred tasks (gathering, retries). `--batch` is RQ's burst mode.

    It outlives a Redis outage: RQ's own loop retries a lost connection only while it waits
    for a job and quits on one anywhere else (a heartbeat, a job's status), so when its loop
    ends without a signal or `--max-tasks`, this waits for Redis with backoff and starts a new
    RQ worker (its name gets a generation suffix: the old one may still be registered).
    """
    if options["batch"]:
        beat(worker_id, clock.now())
        run_periodic_jobs()
        rq_worker_new(worker_id).work(
            burst=True, with_scheduler=True, logging_level=settings.LOG_LEVEL
        )
        return
    wait_for_database(worker_id)
    housekeeper = Housekeeper(worker_id, options["housekeeping_interval"])
    housekeeper.start()
    worker_set(worker_id)
    log.info("worker %s started (RQ)", worker_id)
    outage = Outage(f"worker {worker_id}", "Redis")
    try:
        for generation in itertools.count():
            name = worker_id if generation == 0 else f"{worker_id}.{generation}"
            rq_worker = None
            try:
                rq_worker = rq_worker_new(name)  # it asks Redis already
                rq_worker.work(
                    with_scheduler=True,
                    max_jobs=options["max_tasks"],
                    logging_level=settings.LOG_LEVEL,
                )
            except REDIS_ERRORS as error:  # before RQ's loop: creating or registering the worker
                time.sleep(outage.failed(error))
            stopped = rq_worker is not None and rq_worker._stop_requested
            if stopped or stop_signalled.is_set():
                exit_within(SHUTDOWN_GRACE_SECONDS)
                return
            if options["max_tasks"] is not None and rq_worker is not None and redis_answers():
                return
            while not redis_answers():
                time.sleep(outage.failed(ConnectionError("Redis does not answer")))
            outage.recovered()
    except StopRequested:  # a signal while waiting for Redis (RQ's handler is still installed)
        return
    finally:
        housekeeper.stopped.set()


REDIS_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError)
# After a signal, RQ has finished its job and torn down; what remains is the interpreter's exit.
# After a Redis outage that exit has been seen waiting 60 s on what RQ or redis-py left behind
# (a pubsub connection, a child process): past this grace the process ends anyway. Everything
# it did is committed, and anything claimed comes back through the sweepers.
SHUTDOWN_GRACE_SECONDS = 10.0
SIGNAL_GRACE_SECONDS = 50.0


def exit_within(seconds: float) -> None:
    """End the process after `seconds` if the normal exit has not ended it by then."""

    def force() -> None:
        log.warning("worker: exit still waiting after %.0f s; ending the process", seconds)
        logging.shutdown()
        os._exit(0)

    timer = threading.Timer(seconds, force)
    timer.daemon = True
    timer.start()


stop_signalled = threading.Event()


# RQ restarts a dead scheduler (it dies in a Redis outage) in its maintenance, every 10 min
# by default and only between jobs, while an idle worker blocks on Redis for worker_ttl - 15 s.
# Until then the deferred tasks (gathering, retries) wait: so both are short.
RQ_MAINTENANCE_SECONDS = 30
RQ_WORKER_TTL_SECONDS = 45


def rq_worker_new(name: str) -> Any:
    worker = django_rq.get_worker(
        *settings.TASK_QUEUES, job_class=RQJob, worker_class="rq.SimpleWorker", name=name,
        maintenance_interval=RQ_MAINTENANCE_SECONDS, worker_ttl=RQ_WORKER_TTL_SECONDS,
    )  # fmt: skip
    stop: Callable[[int, Any], None] = worker.request_stop

    def request_stop(signum: int, frame: Any) -> None:
        if not stop_signalled.is_set():
            # The running job may finish; the service manager's stop timeout is 60 s.
            exit_within(SIGNAL_GRACE_SECONDS)
        stop_signalled.set()  # RQ raises StopRequested when idle and leaves no flag behind
        stop(signum, frame)

    worker.request_stop = request_stop  # type: ignore[method-assign]
    return worker


def redis_answers() -> bool:
    try:
        return bool(django_rq.get_connection(settings.TASK_QUEUES[0]).ping())
    except REDIS_ERRORS:
        return False


def wait_for_database(worker_id: str) -> None:
    """Return once the database answers and holds VIK's tables; raise CommandError when it
    answers without them (a configuration error: not migrated, or the wrong database)."""
    outage = Outage(f"worker {worker_id}")
    while True:
        try:
            check_configuration()
        except OUTAGE_ERRORS as error:
            if database_answers():  # it answers, yet the tables fail: SQLite's "no such table"
                raise CommandError(
                    f"the database is not ready for VIK (run `vik migrate`): {error}"
                ) from error
            time.sleep(outage.failed(error))
            continue
        outage.recovered()
        return


def run_through_outages(worker: Worker, worker_id: str) -> None:
    """Run the worker's loop; on a database or connection error wait for the database with
    backoff, then run it again. Returns when the loop does (--max-tasks, a signal)."""
    outage = Outage(f"worker {worker_id}")
    while worker.running:
        try:
            worker.run()
            return
        except OUTAGE_ERRORS as error:
            time.sleep(outage.failed(error))
            while not database_answers():
                time.sleep(outage.failed(error))
            outage.recovered()
