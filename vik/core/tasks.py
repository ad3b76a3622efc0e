"""Enqueue tasks only once the surrounding transaction has committed.

A task enqueued inside a transaction that later rolls back would run against rows that do not
exist; a task enqueued before the commit could run before the rows are visible to the worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: Any, run_after: dt.datetime | None = None) -> None:
    def _enqueue() -> None:
        try:
            target = task
            if run_after is not None:
                if not task.get_backend().supports_defer:
                    return  # e.g. the immediate backend of the tests: the sweeper retries later
                target = task.using(run_after=run_after)
            target.enqueue(*args)
        except Exception:
            # The row the task would process is committed and a sweeper re-enqueues stale work,
            # so a failed enqueue delays processing but loses nothing.
            log.exception("enqueue of %s%r failed; the sweeper will pick it up", task, args)

    transaction.on_commit(_enqueue)
