"""Tasks of the workspace: they take ids and call one service."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def notification_email_task(notification_id: int) -> None:
    services.notification_email(notification_id=notification_id)
