"""Tasks take ids and call one service; each is safe to run twice."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="outbound")
def tracking_link_send_task(request_id: int, email: str) -> None:
    from . import services  # local import: the services import this module (a cycle)

    services.tracking_link_send(request_id=request_id, email=email)
