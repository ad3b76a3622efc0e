"""`vik worker`: the task worker (django-tasks database backend) with a heartbeat and the
periodic jobs listed in `VIK_PERIODIC_JOBS` (the sweeper that re-enqueues lost work).

It runs every queue. Start one or more; they share work through row locks.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker

from vik.core import clock
from vik.core.models import WorkerHeartbeat
from vik.core.workers import worker_set

log = logging.getLogger("vik.worker")


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
    for path in settings.VIK_PERIODIC_JOBS:
        try:
            import_string(path)()
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
        while not self.stopped.is_set():
            try:
                close_old_connections()
                beat(self.worker_id, self.started_at)
                run_periodic_jobs()
            except Exception:
                log.exception("housekeeping failed; trying again")
            self.stopped.wait(self.interval)
        connection.close()


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
        if options["batch"]:
            beat(worker_id[:64], clock.now())
            run_periodic_jobs()
            worker.run()
            return
        housekeeper = Housekeeper(worker_id[:64], options["housekeeping_interval"])
        housekeeper.start()
        worker_set(worker_id[:64])  # the claims it makes name it (a batch run does not beat)
        worker.configure_signals()
        log.info("worker %s started", worker_id)
        try:
            worker.run()
        finally:
            housekeeper.stopped.set()
