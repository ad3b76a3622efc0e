"""Reading a report as a user may: their reach (`permissions.report_access`), the filters they
asked for within it, and the document the report's builder makes of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from vik.tenancy import permissions
from vik.tenancy.permissions import ReportAccess

from ..cache import document_cached
from ..document import ReportDocument
from ..filters import ReportFilters, Scope
from ..forms import ReportFilterForm, report_scope, scope_label
from ..registry import ReportSpec, report_get, report_list

if TYPE_CHECKING:
    from vik.tenancy.models import User


@dataclass(frozen=True)
class ReportQuery:
    """What one reader asked for: the region and reach, the form, the filters and scope."""

    access: ReportAccess
    regions: list[int]
    form: ReportFilterForm
    filters: ReportFilters
    scope: Scope


def report_query(*, user: User, params: Any) -> ReportQuery:
    """The reader's query from the page's (or a schedule's) parameters; PermissionDenied for a
    user who reads no reports. A region the user has no reach in falls back to their first."""
    regions = permissions.report_regions(user)
    if not regions:
        raise PermissionDenied
    wanted = str(params.get("region") or "")
    region_id = int(wanted) if wanted.isdigit() and int(wanted) in regions else regions[0]
    access = permissions.report_access(user, region_id)
    if access is None:  # pragma: no cover - report_regions lists only regions with access
        raise PermissionDenied
    form = ReportFilterForm(params, access=access, regions=regions)
    form.is_valid()
    filters = form.report_filters()
    return ReportQuery(
        access=access,
        regions=regions,
        form=form,
        filters=filters,
        scope=report_scope(access, label=scope_label(access, user)),
    )


def reports_available(access: ReportAccess) -> list[ReportSpec]:
    return [
        spec
        for spec in report_list()
        if permissions.can_open_report(access, for_agents=spec.for_agents)
    ]


def report_spec_for(slug: str, access: ReportAccess) -> ReportSpec:
    """The report, 404 when there is none, 403 (before anything is computed) when the reader
    may not open it."""
    spec = report_get(slug)
    if spec is None:
        raise Http404
    if not permissions.can_open_report(access, for_agents=spec.for_agents):
        raise PermissionDenied
    return spec


def report_document(spec: ReportSpec, query: ReportQuery) -> ReportDocument:
    """The builder's document, with the reader's scope and the form's words for the filters
    when the builder wrote none. A request report comes from the cache while its facts stand
    (`vik.reports.cache`)."""
    document = document_cached(spec, query.filters, query.scope)
    if not document.filters_description:
        described = query.form.described()
        if query.scope.label:
            described.insert(0, (_scope_word(query.access), query.scope.label))
        document.filters_description = described
    return document


def _scope_word(access: ReportAccess) -> str:
    return str(_("Own work") if access.is_own_work else _("Scope"))
