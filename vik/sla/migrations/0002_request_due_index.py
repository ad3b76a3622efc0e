"""Partial indexes for the SLA sweep on conversations_request.

The sweep asks every 15 seconds, across all centres, for requests whose `due_at` has come
(or comes within the warning window) and that are not yet escalated; the (centre, due_at)
indexes of the request list do not serve that. Only rows with an open, unescalated deadline
are indexed, so resolved, closed and already escalated requests (the bulk) cost nothing. The
second index finds information requests by their statutory last day (few rows). They belong
to the sweep, hence here and in SQL (SQLite and PostgreSQL both have partial indexes)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_sla_policy"),
        ("conversations", "0008_request_queue_and_deadlines"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                "CREATE INDEX sla_request_due_open ON conversations_request (due_at) "
                "WHERE due_at IS NOT NULL AND sla_breached_at IS NULL"
            ),
            reverse_sql="DROP INDEX sla_request_due_open",
        ),
        migrations.RunSQL(
            sql=(
                "CREATE INDEX sla_request_statutory ON conversations_request (statutory_due_on) "
                "WHERE statutory_due_on IS NOT NULL"
            ),
            reverse_sql="DROP INDEX sla_request_statutory",
        ),
    ]
