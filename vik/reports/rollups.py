"""Keeping the reports' rollup (`RequestFact`, one narrow row per request) exact.

The rollup is a pure function of the raw data: `fact_of(request)` (vik.reports.figures.facts).
`rollups_refresh` recomputes the fact of every request that changed since its watermark (minus
`OVERLAP`, so that a transaction that committed late with an earlier timestamp is not missed)
and writes only the facts that differ. A request changed when its row was saved
(`Request.updated_at`), when its timeline got an event (`TimelineEvent.created_at`: every
service that changes a request writes one) or when its rating was given or changed
(`Rating.changed_at`). Recomputing is idempotent: running it twice, or two workers at once
(they also queue on the watermark row, `select_for_update`), leaves the same facts. The
figures aggregate the facts at query time, so there are no pre-added cells whose increments
could be applied twice.

How each case stays exact:
- transfer: the request's centre changes (and its working minutes are recounted in the new
  centre's opening hours); its one fact moves with it: it counts at the new centre only, never
  at both.
- merge: the merged-away request's fact gets `counted = False` and leaves every figure; its
  work is counted in the request it was merged into (which is refreshed too: its events).
- reopen: one fact per request, so it is counted once; reopening clears the resolution
  (`is_resolved` false, open again), the next resolution sets it again, and the resolution time
  runs from receipt to the last resolution.
- anonymisation or erasure of a contact: facts hold no contact and no text, so nothing of them
  changes and every count stays. A request deleted by retention keeps its fact (the refresher
  never deletes facts; `rebuild` recomputes only the requests that still exist).
- a rating given or changed: `Rating.changed_at`; the fact holds the current score.
- the statutory deadline extended: the request is saved (and an event written); the fact keeps
  the original and the extended day.

The channel reports' daily counts (`vik.reports.daily`) are kept by the same refresher, under the
same lock, and rebuilt with the facts.

`rollups_rebuild` recomputes every request's fact; `rollups_verify` compares the facts and the
figures with the raw tables (`vik reports rebuild|verify`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from vik.conversations.models import Request, TimelineEvent
from vik.core import clock
from vik.core.memo import batch_memo
from vik.satisfaction.models import Rating
from vik.territory.models import Region

from . import daily
from .figures import ALL_METRICS, Dimension, Figures, Key
from .figures.facts import FACT_FIELDS, fact_of, raw_rows, topic_roots
from .figures.reference import reference_figures
from .figures.rollup import rollup_figures
from .filters import ReportFilters, Scope
from .models import REQUEST_FACTS, RequestFact, RollupWatermark

WATERMARK = REQUEST_FACTS
# Commits that land later than their timestamps say, by up to this much, are still read.
OVERLAP = dt.timedelta(minutes=5)
CHUNK = 2000
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass
class RefreshResult:
    examined: int = 0
    written: int = 0
    # The channel reports' daily counts written (`rollups_rebuild`).
    daily_written: int = 0


def facts_refresh(request_ids: Iterable[int] | None) -> RefreshResult:
    """Recompute the facts of these requests (None: of all) and write those that differ."""
    result = RefreshResult()
    roots = topic_roots()
    batch: list[dict[str, Any]] = []
    with batch_memo():
        for row in raw_rows(request_ids, chunk=CHUNK):
            batch.append(row)
            if len(batch) >= CHUNK:
                _write(batch, roots, result)
                batch = []
        if batch:
            _write(batch, roots, result)
    if result.written:
        version_bump()
    return result


def version_bump() -> None:
    """Mark a new state of the facts: every report document cached from the previous one
    (`vik.reports.cache`) is no longer read. A random token, not a counter: a database rolled
    back (a test's) cannot bring back a token that an earlier state's documents are kept under."""
    token = uuid.uuid4().hex
    if not RollupWatermark.objects.filter(name=WATERMARK).update(facts_version=token):
        RollupWatermark.objects.get_or_create(
            name=WATERMARK, defaults={"changes_until": EPOCH, "facts_version": token}
        )


def _write(rows: list[dict[str, Any]], roots: dict[int, int], result: RefreshResult) -> None:
    ids = [row["id"] for row in rows]
    stored = {
        values[0]: values[1:]
        for values in RequestFact.objects.filter(request_id__in=ids).values_list(
            "request_id", *FACT_FIELDS
        )
    }
    new: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    for row in rows:
        values = fact_of(row, roots)
        result.examined += 1
        current = stored.get(row["id"])
        fact = tuple(values[name] for name in FACT_FIELDS)
        if current is not None and current == fact:
            continue
        (changed if current is not None else new).append((row["id"], *fact))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _upsert_postgresql(new + changed)
        else:
            RequestFact.objects.bulk_create(
                [
                    RequestFact(**dict(zip(("request_id", *FACT_FIELDS), item, strict=True)))
                    for item in new
                ]
            )
            RequestFact.objects.bulk_update(
                [
                    RequestFact(**dict(zip(("request_id", *FACT_FIELDS), item, strict=True)))
                    for item in changed
                ],
                FACT_FIELDS,
                batch_size=500,
            )
    result.written += len(new) + len(changed)


def _upsert_postgresql(facts: list[tuple[Any, ...]]) -> None:
    """COPY into a temporary table and one INSERT … ON CONFLICT: the ORM's per-value
    preparation would cost more than computing the facts."""
    if not facts:
        return
    columns = ", ".join(("request_id", *FACT_FIELDS))
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in FACT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS reports_fact_incoming"
            " (LIKE reports_requestfact) ON COMMIT DELETE ROWS"
        )
        with cursor.cursor.copy(f"COPY reports_fact_incoming ({columns}) FROM STDIN") as copy:
            for fact in facts:
                copy.write_row(fact)
        cursor.execute(
            f"INSERT INTO reports_requestfact ({columns})"  # noqa: S608 — fixed column names
            f" SELECT {columns} FROM reports_fact_incoming"
            f" ON CONFLICT (request_id) DO UPDATE SET {updates}"
        )
        cursor.execute("TRUNCATE reports_fact_incoming")


def changed_since(since: dt.datetime) -> set[int]:
    ids = set(Request.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    ids |= set(
        TimelineEvent.objects.filter(created_at__gte=since).values_list("request_id", flat=True)
    )
    ids |= set(Rating.objects.filter(changed_at__gte=since).values_list("request_id", flat=True))
    return ids


def rollups_refresh() -> int:
    """Bring the facts up to date with what changed since the last run (the periodic job,
    every minute). Returns how many facts were written."""
    with transaction.atomic():
        watermark, _created = RollupWatermark.objects.get_or_create(
            name=WATERMARK, defaults={"changes_until": EPOCH}
        )
        # One refresher at a time; a second one waits and then finds little left to do.
        watermark = RollupWatermark.objects.select_for_update().get(pk=watermark.pk)
        until = clock.now()
        resolved_before: set[dt.date] = set()
        if watermark.changes_until <= EPOCH:
            result = facts_refresh(None)
        else:
            since = watermark.changes_until - OVERLAP
            # The days the changed requests were resolved at until now, read from their facts
            # before these are recomputed: the workload report's daily counts of those days.
            resolved_before = daily.resolved_days_before(daily.watermark_since(since))
            result = facts_refresh(changed_since(since))
        watermark.changes_until = max(until, watermark.changes_until)
        watermark.save(update_fields=["changes_until"])
        # The channel reports' daily counts, under the same lock (`vik.reports.daily`).
        daily.daily_refresh(until, resolved_before)
    return result.written


def rollups_refresh_due() -> int:
    """The periodic job (`VIK_PERIODIC_JOBS`, every 15 s in every worker): once per
    `VIK_REPORTS_REFRESH_SECONDS` one worker claims the run (a conditional UPDATE of the
    watermark row) and refreshes the rollup. Nothing due costs one UPDATE."""
    now = clock.now()
    RollupWatermark.objects.get_or_create(name=WATERMARK, defaults={"changes_until": EPOCH})
    claimed = (
        RollupWatermark.objects.filter(name=WATERMARK)
        .filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=now))
        .update(
            next_run_at=now + dt.timedelta(seconds=max(settings.VIK_REPORTS_REFRESH_SECONDS, 1))
        )
    )
    if not claimed:
        return 0
    return rollups_refresh()


def rollups_rebuild() -> RefreshResult:
    """Recompute the fact of every existing request (facts of deleted requests stay)."""
    with transaction.atomic():
        until = clock.now()
        result = facts_refresh(None)
        RollupWatermark.objects.update_or_create(name=WATERMARK, defaults={"changes_until": until})
        result.daily_written = daily.daily_rebuild(until)
    return result


@dataclass
class Verification:
    facts_examined: int = 0
    facts_wrong: list[int] = field(default_factory=list)
    facts_missing: list[int] = field(default_factory=list)
    figures_wrong: list[tuple[int, Key, dict[str, Any], dict[str, Any]]] = field(
        default_factory=list
    )

    @property
    def ok(self) -> bool:
        return not (self.facts_wrong or self.facts_missing or self.figures_wrong)


def figures_differences(
    rollup: dict[Key, Figures], reference: dict[Key, Figures]
) -> list[tuple[Key, dict[str, Any], dict[str, Any]]]:
    found = []
    for key in sorted(set(rollup) | set(reference), key=repr):
        ours = rollup.get(key, Figures()).as_dict()
        theirs = reference.get(key, Figures()).as_dict()
        if ours != theirs:
            found.append((key, ours, theirs))
    return found


def _verify_facts(rows: list[dict[str, Any]], roots: dict[int, int], found: Verification) -> None:
    stored = {
        values[0]: values[1:]
        for values in RequestFact.objects.filter(
            request_id__in=[row["id"] for row in rows]
        ).values_list("request_id", *FACT_FIELDS)
    }
    for row in rows:
        found.facts_examined += 1
        current = stored.get(row["id"])
        values = fact_of(row, roots)
        if current is None:
            found.facts_missing.append(row["id"])
        elif current != tuple(values[name] for name in FACT_FIELDS):
            found.facts_wrong.append(row["id"])


def rollups_verify(
    date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Verification:
    """Compare every stored fact with its request recomputed, and each region's monthly
    figures by centre and channel from the rollup with those from the raw tables."""
    found = Verification()
    roots = topic_roots()
    with batch_memo():
        batch: list[dict[str, Any]] = []
        for row in raw_rows(None, chunk=CHUNK):
            batch.append(row)
            if len(batch) >= CHUNK:
                _verify_facts(batch, roots, found)
                batch = []
        _verify_facts(batch, roots, found)
    today = clock.today()
    filters = ReportFilters(
        date_from=date_from or dt.date(2000, 1, 1), date_to=date_to or today, granularity="month"
    )
    now = clock.now()
    for region_id in Region.objects.values_list("pk", flat=True):
        scope = Scope(region_id=region_id)
        by: tuple[Dimension, ...] = ("period", "centre", "channel")
        rollup = rollup_figures(filters, scope, by, metrics=ALL_METRICS, now=now)
        reference = reference_figures(filters, scope, by, now=now)
        for key, ours, theirs in figures_differences(rollup, reference):
            found.figures_wrong.append((region_id, key, ours, theirs))
    return found
