"""Tasks take ids and call one service; each is safe to run twice.

The channel core enqueues these (`vik.channels.core.hooks`, registered in `apps.py`)."""

from __future__ import annotations

from django_tasks import task

from .services import intake


@task(queue_name="inbound")
def inbound_process_task(payload_id: int) -> None:
    intake.inbound_process(payload_id=payload_id)


@task(queue_name="inbound")
def inbound_drain_task() -> None:
    intake.inbound_drain()
