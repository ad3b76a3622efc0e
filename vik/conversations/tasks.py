"""Tasks take ids and call one service; each is safe to run twice.

The channel core enqueues these (`vik.channels.core.hooks`, registered in `apps.py`). Every
process registers them, but only a worker runs them: they load the services when they run,
so that a process that only stores what arrives (`vik ingest-mail`, one per message) starts
without loading every service of the request (routing, SLA, notifications behind them)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="inbound")
def inbound_process_task(payload_id: int) -> None:
    from .services import intake  # local import: loaded by the worker only (module docstring)

    intake.inbound_process(payload_id=payload_id)


@task(queue_name="inbound")
def inbound_drain_task() -> None:
    from .services import intake  # local import: loaded by the worker only (module docstring)

    intake.inbound_drain()
