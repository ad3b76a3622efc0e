"""One small constructor per survey event, each an entry of the audit log written by the service
that did it. Answering writes none: an entry with the respondent and a time would pair them
with the answer submitted then."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vik.audit.models import AuditEvent
from vik.audit.services import audit_record

from .models import Round, Survey

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def created(*, survey: Survey, by: StaffUser | None) -> AuditEvent:
    return audit_record(actor=by, action="survey.create", target=survey)


def round_sent(*, round: Round, invited: int, by: StaffUser | None) -> AuditEvent:
    return audit_record(
        actor=by,
        action="survey.send",
        target=round,
        region_id=round.survey.region_id,
        details={"round": round.number, "invited": invited},
    )


def reminded(*, round: Round, reminded: int, by: StaffUser | None) -> AuditEvent:
    return audit_record(
        actor=by,
        action="survey.remind",
        target=round,
        region_id=round.survey.region_id,
        details={"round": round.number, "reminded": reminded},
    )


def round_closed(*, round: Round, by: StaffUser | None) -> AuditEvent:
    return audit_record(
        actor=by, action="survey.close", target=round, region_id=round.survey.region_id
    )
