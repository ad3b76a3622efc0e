"""Tasks of notifications: they take ids and call one service."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def notification_email_task(notification_id: int) -> None:
    services.notification_email(notification_id=notification_id)


@task()
def notification_emails_task(notification_ids: list[int]) -> None:
    services.notification_emails(notification_ids=notification_ids)
