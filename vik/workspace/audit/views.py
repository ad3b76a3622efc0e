"""The audit log page of the data-protection officer (`/staff/audit/`). Reading it is itself
an audit event (`audit.read`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from vik.audit.models import AuditEvent
from vik.audit.services import audit_record
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required

from . import selectors
from .forms import AuditFilterForm

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest


@staff_member_required
def audit_log(request: StaffRequest) -> HttpResponse:
    if not permissions.can_read_audit_log(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    before = request.GET.get("before", "")
    page = selectors.audit_page(
        user=request.user, filters=filters, before=int(before) if before.isdigit() else None
    )
    regions = sorted(permissions.audit_regions(request.user))
    audit_record(
        actor=request.user,
        action="audit.read",
        target=AuditEvent,
        personal_data=True,
        request=request,
        details={"filters": filters.asked(), "shown": len(page.rows), "page": "log"},
        region_id=regions[0] if len(regions) == 1 else None,
    )
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "workspace/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
