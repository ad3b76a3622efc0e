"""The reports in the staff workspace: the list, one report with its charts and tables, its
exports, and the reader's scheduled e-mails."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.tenancy.decorators import staff_member_required
from vik.territory.models import Region

from .. import selectors, services
from ..exports import CONTENT_TYPES, document_file
from ..forms import ScheduleForm
from ..models import ReportSchedule
from ..presentation import section_views
from ..registry import report_get

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest

OVERVIEW = "overview"


def _query_without(request: StaffRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@staff_member_required
def report_index(request: StaffRequest) -> HttpResponse:
    """The reports the reader may open, and the overview report when there is one."""
    query = selectors.report_query(user=request.user, params=request.GET)
    specs = selectors.reports_available(query.access)
    overview = None
    if any(spec.slug == OVERVIEW for spec in specs):
        spec = selectors.report_spec_for(OVERVIEW, query.access)
        overview = selectors.report_document(spec, query)
    return render(
        request,
        "reports/index.html",
        {
            "query": query,
            "form": query.form,
            "specs": specs,
            "document": overview,
            "spec": report_get(OVERVIEW) if overview else None,
            "sections": section_views(overview, query.scope) if overview else [],
            "querystring": _query_without(request),
            "region": Region.objects.filter(pk=query.access.region_id).first(),
        },
    )


@staff_member_required
def report_detail(request: StaffRequest, slug: str) -> HttpResponse:
    query = selectors.report_query(user=request.user, params=request.GET)
    spec = selectors.report_spec_for(slug, query.access)
    document = selectors.report_document(spec, query)
    return render(
        request,
        "reports/report.html",
        {
            "query": query,
            "form": query.form,
            "spec": spec,
            "document": document,
            "sections": section_views(document, query.scope),
            "querystring": _query_without(request),
            "schedule_form": ScheduleForm(can_send_to_leads=query.access.centre_ids is None),
            "region": Region.objects.filter(pk=query.access.region_id).first(),
        },
    )


@staff_member_required
def report_export(request: StaffRequest, slug: str, file_format: str) -> HttpResponse:
    """The report as CSV, XLSX or PDF with the page's filters; recorded in the audit log."""
    if file_format not in CONTENT_TYPES:
        raise Http404
    query = selectors.report_query(user=request.user, params=request.GET)
    spec = selectors.report_spec_for(slug, query.access)
    document = selectors.report_document(spec, query)
    content = document_file(document, file_format)
    services.report_exported(
        by=request.user, http_request=request, document=document, file_format=file_format,
        region_id=query.access.region_id,
    )  # fmt: skip
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    filename = f"{slug}-{query.filters.date_from:%Y-%m-%d}-{query.filters.date_to:%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


@staff_member_required
def schedule_list(request: StaffRequest) -> HttpResponse:
    """The reader's own scheduled reports."""
    selectors.report_query(user=request.user, params={})  # 403 to who reads no reports
    schedules = ReportSchedule.objects.filter(owner=request.user).select_related("region")
    rows = [(schedule, report_get(schedule.report_slug)) for schedule in schedules.order_by("pk")]
    return render(request, "reports/schedules.html", {"rows": rows})


@staff_member_required
@require_POST
def schedule_create(request: StaffRequest, slug: str) -> HttpResponse:
    query = selectors.report_query(user=request.user, params=request.GET)
    selectors.report_spec_for(slug, query.access)
    form = ScheduleForm(request.POST, can_send_to_leads=query.access.centre_ids is None)
    if not form.is_valid():
        messages.error(request, _("Choose how often and in which format."))
        return redirect(reverse("staff:report_detail", args=[slug]) + "?" + request.GET.urlencode())
    services.schedule_create(
        owner=request.user,
        report_slug=slug,
        region_id=query.access.region_id,
        params=request.GET,
        file_format=form.cleaned_data["file_format"],
        frequency=form.cleaned_data["frequency"],
        to_centre_leads=bool(form.cleaned_data.get("to_centre_leads")),
    )
    messages.success(request, _("The report will be e-mailed to you."))
    return redirect("staff:report_schedules")


@staff_member_required
@require_POST
def schedule_delete(request: StaffRequest, pk: int) -> HttpResponse:
    if not services.schedule_delete(owner=request.user, schedule_id=pk):
        raise PermissionDenied
    messages.success(request, _("The scheduled report was cancelled."))
    return redirect("staff:report_schedules")
