"""The one deliberate way audit events are deleted: the retention period passed.

Audit events are append-only (`models.AuditEventQuerySet` refuses `delete`); the retention of
personal data (GDPR Art. 5(1)(e), docs/security/gdpr.md) needs them to go in the end. This
service deletes the events older than a time, in batches, and records that it did, as an event
itself (how many, up to when) that the next runs keep until it is old enough in turn."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction

from .models import AuditEvent

ACTION = "audit.retention_deleted"


@transaction.atomic
def audit_events_delete_before(*, before: dt.datetime, batch: int = 1000) -> int:
    """Delete up to `batch` audit events created before `before`, oldest first, and record
    the deletion as an event. Returns how many were deleted (0: nothing recorded)."""
    ids = list(
        AuditEvent.objects.filter(created_at__lt=before)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    # The plain QuerySet.delete, past the append-only guard: this is the one place allowed.
    deleted, _by_model = models.QuerySet.delete(AuditEvent.objects.filter(pk__in=ids))
    AuditEvent.objects.create(
        actor=None,
        actor_label="system",
        action=ACTION,
        object_type=AuditEvent._meta.label_lower,
        object_id="",
        personal_data=False,
        details={"deleted": deleted, "before": before.isoformat()},
    )
    return deleted
