"""A request report opened again in the same state of the data is read from the cache, and
never shows what no longer holds: a fact written by the refresher, or a deadline passed, makes
the next opening build it anew."""

from __future__ import annotations

import dataclasses
import datetime as dt

from vik.conversations.choices import Status
from vik.conversations.models import Request
from vik.core import clock
from vik.reports.builders import requests as builders
from vik.reports.cache import document_cached
from vik.reports.filters import ReportFilters, Scope
from vik.reports.registry import report_get
from vik.reports.rollups import rollups_refresh

from .test_figures import at, make

APRIL = ReportFilters(date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30))


def _backlog(document) -> tuple[int, int, int]:
    section = next(item for item in document.sections if item.slug == "backlog")
    return section.totals["received"], section.totals["open"], section.totals["overdue"]


def _resolution(document) -> tuple[int, float | None]:
    section = next(item for item in document.sections if item.slug == "times")
    return section.totals["resolution_count"], section.totals["resolution_median"]


def test_the_overview_is_kept_until_a_fact_or_a_passed_deadline_changes_it(world):
    builds = []

    def counted(filters, scope):
        builds.append(filters)
        return builders.overview(filters, scope)

    spec = dataclasses.replace(report_get("overview"), build=counted)
    coordinator = Scope(region_id=world.region.pk, label="Kraj Vysočina")
    with clock.travel(at("2026-04-21", "12:00")):
        waiting = make(world, received=at("2026-04-21", "09:00"), due_at=at("2026-04-21", "15:00"))
        rollups_refresh()
        assert _backlog(document_cached(spec, APRIL, coordinator)) == (1, 1, 0)
        assert _backlog(document_cached(spec, APRIL, coordinator)) == (1, 1, 0)
    assert len(builds) == 1  # the second opening read the first one's document

    # Another reader (a lead), other filters: documents of their own.
    lead = Scope(region_id=world.region.pk, centre_ids=frozenset({world.centre_b.pk}))
    with clock.travel(at("2026-04-21", "12:05")):
        assert _backlog(document_cached(spec, APRIL, lead)) == (0, 0, 0)
    assert len(builds) == 2

    # The deadline passes with no fact changing: the request is overdue at once.
    with clock.travel(at("2026-04-21", "15:01")):
        assert _backlog(document_cached(spec, APRIL, coordinator)) == (1, 1, 1)
        assert _backlog(document_cached(spec, APRIL, coordinator)) == (1, 1, 1)
        assert _resolution(document_cached(spec, APRIL, coordinator)) == (0, None)
    assert len(builds) == 3

    # Resolved: once the refresher has written the fact, the report says so.
    with clock.travel(at("2026-04-21", "16:00")):
        Request.objects.filter(pk=waiting.pk).update(
            status=Status.RESOLVED,
            first_response_at=at("2026-04-21", "15:30"),
            resolved_at=at("2026-04-21", "15:45"),
            due_at=None,
            updated_at=clock.now(),
        )
        assert rollups_refresh() == 1
        assert _backlog(document_cached(spec, APRIL, coordinator)) == (1, 0, 0)
        # Its resolution time too (the percentiles kept for the earlier facts are not read).
        assert _resolution(document_cached(spec, APRIL, coordinator)) == (1, 405.0)
        # A refresh that writes nothing keeps the document.
        assert rollups_refresh() == 0
        assert _backlog(document_cached(spec, APRIL, coordinator)) == (1, 0, 0)
    assert len(builds) == 4


def test_reports_not_built_from_the_rollup_alone_are_built_every_time(world, settings):
    builds = []
    spec = dataclasses.replace(
        report_get("workload"), build=lambda filters, scope: builds.append(1) or "built"
    )
    scope = Scope(region_id=world.region.pk)
    make(world, received=at("2026-04-21", "09:00"))
    rollups_refresh()
    assert document_cached(spec, APRIL, scope) == "built"
    assert document_cached(spec, APRIL, scope) == "built"
    assert len(builds) == 2
    # Nor a request report when the cache is switched off.
    settings.VIK_REPORTS_CACHE_SECONDS = 0
    overview = dataclasses.replace(
        report_get("overview"), build=lambda filters, scope: builds.append(1) or "built"
    )
    document_cached(overview, APRIL, scope)
    document_cached(overview, APRIL, scope)
    assert len(builds) == 4
