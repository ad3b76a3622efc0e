"""Tasks take ids and call one service; each is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import services


@task(queue_name="inbound")
def inbound_process_task(payload_id: int) -> None:
    services.inbound_process(payload_id=payload_id)


@task(queue_name="inbound")
def inbound_drain_task() -> None:
    services.inbound_drain()


@task(queue_name="outbound")
def outbound_deliver_task(message_id: int) -> None:
    services.outbound_deliver(message_id=message_id)


@task(queue_name="outbound")
def outbound_drain_task() -> None:
    services.outbound_drain()
