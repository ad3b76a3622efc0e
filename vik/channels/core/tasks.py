"""Tasks take ids and call one service; each is safe to run twice.

The tasks that process inbound payloads belong to `conversations` (`vik.conversations.tasks`),
which registers them with the core (`hooks`)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task(queue_name="outbound")
def outbound_deliver_task(message_id: int) -> None:
    services.outbound_deliver(message_id=message_id)


@task(queue_name="outbound")
def outbound_drain_task() -> None:
    services.outbound_drain()
