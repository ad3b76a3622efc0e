"""Writing what the reports do: an export recorded in the audit log, scheduled reports kept and
sent by e-mail."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.http import HttpRequest, QueryDict
from django.utils import translation
from django.utils.translation import gettext as _

from vik.audit.services import audit_record
from vik.core import clock
from vik.core.links import path_of
from vik.tenancy import permissions
from vik.tenancy.choices import Role
from vik.tenancy.models import InformationCentre, User

from .document import ReportDocument
from .exports import CONTENT_TYPES, document_file
from .models import ReportSchedule, ScheduleFrequency
from .registry import report_get
from .selectors import report_document, report_query

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

log = logging.getLogger(__name__)

# The form parameters a schedule keeps: the filters, without fixed dates.
SCHEDULE_PARAMETERS = ("preset", "granularity", "centre", "channel", "topic", "orp",
                       "municipality", "kind", "agent")  # fmt: skip
SEND_HOUR = 6  # Prague time: the e-mail is there when the working day starts


def report_exported(
    *, by: StaffUser, http_request: HttpRequest | None, document: ReportDocument,
    file_format: str, region_id: int,
) -> None:  # fmt: skip
    """Record an export (a file of figures leaving VIK) in the audit log."""
    audit_record(
        actor=by,
        action="reports.exported",
        target=ReportSchedule,
        request=http_request,
        region_id=region_id,
        details={
            "report": document.slug,
            "format": file_format,
            "filters": dict(document.filters_description),
        },
    )


def next_run(frequency: str, after: dt.datetime) -> dt.datetime:
    """The next Monday (weekly) or 1st of a month (monthly), at 6:00 Prague, after `after`."""
    day = after.astimezone(clock.PRAGUE).date()
    if frequency == ScheduleFrequency.WEEKLY:
        target = day + dt.timedelta(days=7 - day.weekday())
    else:
        target = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return dt.datetime.combine(target, dt.time(SEND_HOUR), tzinfo=clock.PRAGUE)


def schedule_create(
    *, owner: StaffUser, report_slug: str, region_id: int, params: Any, file_format: str,
    frequency: str, to_centre_leads: bool,
) -> ReportSchedule:  # fmt: skip
    """Keep a report to e-mail: the caller checked the owner may open it. Only a reader of the
    whole region may send it to the centres' leads too."""
    access = permissions.report_access(owner, region_id)
    if access is None or report_get(report_slug) is None:
        raise PermissionDenied
    filters = {name: str(params.get(name)) for name in SCHEDULE_PARAMETERS if params.get(name)}
    if filters.get("preset", "custom") == "custom":
        filters["preset"] = "last_week" if frequency == ScheduleFrequency.WEEKLY else "last_month"
    return ReportSchedule.objects.create(
        owner=owner,
        report_slug=report_slug,
        region_id=region_id,
        filters=filters,
        file_format=file_format,
        frequency=frequency,
        to_centre_leads=to_centre_leads and access.centre_ids is None,
        next_run_at=next_run(frequency, clock.now()),
    )


def schedule_delete(*, owner: StaffUser, schedule_id: int) -> bool:
    deleted, _rows = ReportSchedule.objects.filter(pk=schedule_id, owner=owner).delete()
    return bool(deleted)


def _lead_recipients(schedule: ReportSchedule) -> list[User]:
    centres = InformationCentre.objects.filter(region_id=schedule.region_id, is_active=True)
    centre = str(schedule.filters.get("centre") or "")
    if centre.isdigit():
        centres = centres.filter(pk=int(centre))
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.CENTRE_LEAD,
            memberships__centre__in=centres,
        )
        .exclude(pk=schedule.owner_id)
        .distinct()
        .order_by("pk")
    )


def _report_for(
    schedule: ReportSchedule, user: User, *, own_filters: bool
) -> ReportDocument | None:
    """The report as `user` may read it now (None when they may not: a lead who lost the role
    gets nothing). A lead receiving a coordinator's schedule gets their own centres."""
    spec = report_get(schedule.report_slug)
    access = permissions.report_access(user, schedule.region_id)
    if spec is None or not permissions.can_open_report(access, for_agents=spec.for_agents):
        return None
    params = QueryDict(mutable=True)
    params.update(
        {k: v for k, v in schedule.filters.items() if own_filters or k not in {"centre", "agent"}}
    )
    params["region"] = str(schedule.region_id)
    query = report_query(user=user, params=params)
    return report_document(spec, query)


def _send(schedule: ReportSchedule, user: User, document: ReportDocument) -> None:
    content = document_file(document, schedule.file_format)
    period = dict(document.filters_description).get(_("Period"), "")
    filename = f"{schedule.report_slug}-{clock.today():%Y-%m-%d}.{schedule.file_format}"
    body = "\n".join(
        [
            _("The report %(title)s for %(period)s is attached.")
            % {"title": document.title, "period": period},
            "",
            *(f"{label}: {value}" for label, value in document.filters_description),
            "",
            _("You can change or cancel what VIK e-mails you at %(url)s")
            % {"url": settings.SITE_URL + path_of("staff:report_schedules")},
        ]
    )
    message = EmailMessage(subject=f"VIK: {document.title} – {period}", body=body, to=[user.email])
    message.attach(filename, content, CONTENT_TYPES[schedule.file_format].split(";")[0])
    message.send()


def schedule_send(schedule: ReportSchedule) -> int:
    """E-mail the schedule's report to its recipients, each under their own permissions.
    Returns how many e-mails left."""
    sent = 0
    recipients: list[tuple[User, bool]] = [(schedule.owner, True)]
    if schedule.to_centre_leads:
        recipients += [(lead, False) for lead in _lead_recipients(schedule)]
    with translation.override(settings.LANGUAGE_CODE):
        for user, own_filters in recipients:
            if not user.is_active or not user.email:
                continue
            document = _report_for(schedule, user, own_filters=own_filters)
            if document is None:
                continue
            _send(schedule, user, document)
            sent += 1
    return sent


def schedules_send_due() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`): send the scheduled reports that are due. Each is
    claimed by moving its `next_run_at` on with a conditional UPDATE, so that of two workers
    only one sends it; a failure is logged and the report waits for its next run."""
    now = clock.now()
    due = list(
        ReportSchedule.objects.filter(next_run_at__lte=now)
        .order_by("next_run_at")
        .values_list("pk", "next_run_at", "frequency")[:100]
    )
    sent = 0
    for pk, run_at, frequency in due:
        claimed = ReportSchedule.objects.filter(pk=pk, next_run_at=run_at).update(
            next_run_at=next_run(frequency, now)
        )
        if not claimed:
            continue  # another worker has it
        schedule = ReportSchedule.objects.select_related("owner").get(pk=pk)
        try:
            sent += schedule_send(schedule)
        except Exception:
            log.exception("scheduled report %s not sent", pk)
            continue
        ReportSchedule.objects.filter(pk=pk).update(last_sent_at=now)
    return sent
