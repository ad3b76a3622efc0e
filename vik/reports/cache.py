"""Built report documents kept while the data they were built from stand (issue 17: the exact
percentiles of a coordinator's year sort some 360,000 facts and cost most of a second; opening
the same report again in the same state of the data need not).

Only the reports built from the rollup alone (`ReportSpec.from_rollup`: the request reports)
are kept. A document is found by its report, filters, the reader's scope (with its label), the
language, and the facts' version: a random token `facts_refresh` writes whenever it writes a
fact (`RollupWatermark.facts_version`), so any change of any fact leaves every document kept
before it unread (and the cache lets them expire).

Some figures change without any fact changing, as time passes: an open request becomes overdue,
a target still unmet becomes decided (missed) once past, a statutory deadline is missed the day
after. A document is therefore read only before the nearest such moment after it was built:
the nearest future deadline among the region's facts (three index probes) and the next midnight
in Prague. The names its rows are labelled with (centres, municipalities, topics, people) are
not facts: a renamed centre shows under its new name at most `VIK_REPORTS_CACHE_SECONDS` later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.utils import translation

from vik.core import clock
from vik.core.clock import PRAGUE

from .document import ReportDocument
from .filters import ReportFilters, Scope
from .models import RequestFact, facts_version
from .registry import ReportSpec

PREFIX = "reports:document:"


def _key(spec: ReportSpec, filters: ReportFilters, scope: Scope, version: str) -> str:
    described = repr(
        (
            spec.slug,
            filters,
            scope.region_id,
            None if scope.centre_ids is None else sorted(scope.centre_ids),
            scope.agent_id,
            scope.sees_data_access,
            scope.label,
            translation.get_language(),
            version,
        )
    )
    return PREFIX + hashlib.sha256(described.encode()).hexdigest()


def valid_until(region_id: int, now: dt.datetime) -> dt.datetime:
    """The first moment after `now` at which a figure of the region's facts may change with no
    fact changing: the nearest future deadline of an open request (overdue), of an unanswered
    or unresolved target (decided), or the next midnight in Prague (statutory days)."""
    tomorrow = now.astimezone(PRAGUE).date() + dt.timedelta(days=1)
    moments = [dt.datetime.combine(tomorrow, dt.time.min, tzinfo=PRAGUE)]
    facts = RequestFact.objects.filter(region_id=region_id)
    for rows, column in (
        (facts.filter(is_open=True, due_at__gte=now), "due_at"),
        (facts.filter(first_response_at__isnull=True, first_response_due_at__gte=now),
         "first_response_due_at"),
        (facts.filter(resolved_at__isnull=True, resolution_due_at__gte=now),
         "resolution_due_at"),
    ):  # fmt: skip
        nearest = rows.aggregate(nearest=Min(column))["nearest"]
        if nearest is not None:
            moments.append(nearest)
    return min(moments)


def document_cached(spec: ReportSpec, filters: ReportFilters, scope: Scope) -> ReportDocument:
    """The report's document: kept from an earlier build in the same state of the facts, or
    built now (and kept, for a report built from the rollup alone)."""
    max_age = settings.VIK_REPORTS_CACHE_SECONDS
    if not spec.from_rollup or max_age <= 0:
        return spec.build(filters, scope)
    # Read before building: facts written meanwhile get a new version, never this one.
    version = facts_version()
    if not version:
        return spec.build(filters, scope)
    key = _key(spec, filters, scope, version)
    now = clock.now()
    kept: Any = cache.get(key)
    if kept is not None:
        built, until, document = kept
        if built <= now < until:
            return document  # type: ignore[no-any-return]
    until = min(valid_until(scope.region_id, now), now + dt.timedelta(seconds=max_age))
    document = spec.build(filters, scope)
    seconds = (until - clock.now()).total_seconds()
    if seconds >= 1:
        cache.set(key, (now, until, document), timeout=int(seconds))
    return document
