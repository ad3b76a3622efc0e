"""The reports VIK offers, by slug: `/staff/reports/<slug>/`, its exports and schedules all
look a report up here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from .document import ReportDocument
from .filters import ReportFilters, Scope

Builder = Callable[[ReportFilters, Scope], ReportDocument]


@dataclass(frozen=True)
class ReportSpec:
    slug: str
    title: str | Promise
    description: str | Promise
    build: Builder
    # False: only readers who see at least a whole centre (leads, coordinators, analysts) open it.
    for_agents: bool = True
    # True: built from the rollup alone (and names), so a built document is kept while the
    # facts stand (`vik.reports.cache`).
    from_rollup: bool = False


_REPORTS: dict[str, ReportSpec] = {}


def report_register(spec: ReportSpec) -> ReportSpec:
    _REPORTS[spec.slug] = spec
    return spec


def report_get(slug: str) -> ReportSpec | None:
    return _REPORTS.get(slug)


def report_list() -> list[ReportSpec]:
    return list(_REPORTS.values())
