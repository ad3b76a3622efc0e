"""Notifications moved from the workspace app without losing a row: a database that holds
notifications and preferences from before the move reads them through the new models after it.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from vik.notifications.models import Notification, NotificationPreference

# The last migration before the move, when the models still belonged to the workspace app.
LAST_BEFORE_THE_MOVE = ("workspace", "0004_notification_email_outbox")
BEFORE_THE_MOVE = [LAST_BEFORE_THE_MOVE, ("notifications", None)]


def _migrate(targets: list[tuple[str, str | None]] | None = None) -> MigrationExecutor:
    """Migrate to `targets` (default: the latest of every app) with a freshly read graph."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)  # migrations need the database outside a transaction
def test_notifications_and_preferences_survive_the_move_out_of_workspace():
    try:
        loader = _migrate(BEFORE_THE_MOVE).loader
        assert ("notifications", "0001_initial") not in loader.applied_migrations
        assert ("workspace", "0005_notifications_moved") not in loader.applied_migrations
        old = loader.project_state(LAST_BEFORE_THE_MOVE).apps
        user = old.get_model("tenancy", "User").objects.create(username="carol")
        written = old.get_model("workspace", "Notification").objects.create(
            user_id=user.pk,
            kind="mention",
            text="Alice mentioned you on JI-2026-00001: @carol mrkni",
            created_at=dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC),
            email_due_at=dt.datetime(2026, 11, 21, 9, 35, tzinfo=dt.UTC),
            email_attempts=2,
            email_error="SMTPServerDisconnected: Connection unexpectedly closed",
        )
        chosen = old.get_model("workspace", "NotificationPreference").objects.create(
            user_id=user.pk, kind="sla_warning", in_app=False, by_email=True
        )
    finally:
        _migrate()  # whatever happened, the database is left migrated for the other tests

    notification = Notification.objects.get(pk=written.pk)
    assert (notification.user.username, notification.kind, notification.text) == (
        "carol",
        "mention",
        "Alice mentioned you on JI-2026-00001: @carol mrkni",
    )
    assert notification.created_at == dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)
    assert notification.read_at is None
    assert notification.emailed_at is None
    assert notification.email_due_at == dt.datetime(2026, 11, 21, 9, 35, tzinfo=dt.UTC)
    assert notification.email_attempts == 2
    assert notification.email_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    preference = NotificationPreference.objects.get(pk=chosen.pk)
    assert (preference.user_id, preference.kind, preference.in_app, preference.by_email) == (
        user.pk,
        "sla_warning",
        False,
        True,
    )
    assert NotificationPreference.objects.filter(user_id=user.pk).count() == 1
