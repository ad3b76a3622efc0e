"""One small constructor per training event, each an entry of the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vik.audit.models import AuditEvent
from vik.audit.services import audit_record

from .models import Training

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def created(*, training: Training, by: StaffUser | None) -> AuditEvent:
    return audit_record(actor=by, action="training.create", target=training)


def invited(*, training: Training, invited: int, by: StaffUser | None) -> AuditEvent:
    return audit_record(
        actor=by, action="training.invite", target=training, details={"invited": invited}
    )


def attendance_marked(
    *, training: Training, marks: dict[str, str], by: StaffUser | None
) -> AuditEvent:
    return audit_record(
        actor=by, action="training.attendance", target=training, details={"marks": marks}
    )


def feedback_sent(*, training: Training, round_id: int, by: StaffUser | None) -> AuditEvent:
    return audit_record(
        actor=by, action="training.feedback", target=training, details={"round": round_id}
    )
