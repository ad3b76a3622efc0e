"""The channel reports' daily counts (`DailyCount`): per Prague day, the calls' counts per
region, centre and agent; the knowledge usage events per centre, kind, article, topic (and the
text of a search without a result); the personal-data reads per region, reader and action; the
public replies sent per author (REPLIES) and the requests resolved per region, centre and
assignee (RESOLVED, by the day of `resolved_at`). The calls, knowledge, audit and workload
reports read them for whole days instead of a year of raw rows. What cannot be summed over days
stays on the raw rows: the calls' and chats' wait percentiles, the workload's median first
response (of each person's latest requests), its open requests (counted now) and its chats.

How they stay exact:
- A day's counts are recomputed whole from the raw rows of that day, never incremented, and
  compared with the kept ones in one transaction: a cell that differs or vanished is deleted, a
  changed or new one inserted, the others left as they are (`days_recount`). Recomputing
  twice, or after a crash, gives the same.
- The refresher (`rollups_refresh`, the request facts' periodic job, under the same lock)
  recomputes every day in which a row changed since its watermark (minus `OVERLAP`, for late
  commits): a call saved (`Call.updated_at`: answered, ended, transferred to another centre —
  the call then counts at its new centre only, its day recomputed), a usage event or an audit
  event written (`created_at`; both tables are append-only), a public reply written
  (`Interaction.created_at`: the day of its `occurred_at`; a reply counts for its author
  whatever later happens to its request, transfer or merge), a request saved or with a timeline
  event (as the request facts find them: the day of its `resolved_at` — resolved, reassigned,
  transferred — and the day it was resolved at before, read from its fact before the facts are
  refreshed: reopened, or resolved again on another day).
- The reports read the counts only for the days before the watermark's day (`covered_until`):
  today, and every day since the refresher last ran if it lags, come from the raw tables,
  grouped the same way, and the two are added. A change to a past day's call after the
  watermark shows at the refresher's next run (every `VIK_REPORTS_REFRESH_SECONDS`), as the
  request facts do.
- Counts hold no contact: anonymising a caller or erasing a contact changes no count. The
  personal-data reads are counted per reader and region as logged; whose reads count for a
  region (its staff's reads logged without a region) is decided when the report is read, as
  from the raw log.
- Rows deleted without a trace (usage events past their retention, a centre or an article
  deleted: its events' centre set to null, a request deleted by retention with its replies)
  keep their counts, as the request facts of deleted requests stay; `vik reports rebuild`
  recomputes every day from what exists. A request whose resolution time changes while its fact
  says it is open (status not resolved or closed, `resolved_at` kept) is recounted at its new
  day only; `rebuild` corrects that too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    CharField,
    Count,
    DateField,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.expressions import Case, When
from django.db.models.functions import Trunc

from vik.audit.models import AuditEvent
from vik.channels.phone.models import Call
from vik.conversations.choices import Direction, Visibility
from vik.conversations.models import Interaction, Request, TimelineEvent
from vik.core.clock import PRAGUE
from vik.knowledge.choices import UsageKind
from vik.knowledge.models import UsageEvent

from .filters import ReportFilters
from .models import DAILY_COUNTS, DailyCount, RequestFact, RollupWatermark
from .selectors.channels import CALL_COUNTS, CALL_FILTERS, TALK
from .selectors.periods import bucket_of, bucket_trunc

CALLS = "calls"
USAGE = "usage"
USAGE_ARTICLES = "usage_articles"
USAGE_SEARCHES = "usage_searches"
# The same summed per month (`day`: its first day): the article and search figures do not
# depend on the report's buckets, and a month's cells are fewer than its days' together.
MONTHLY = {USAGE_ARTICLES: "usage_articles_m", USAGE_SEARCHES: "usage_searches_m"}
# The kinds of events the article figures count (`ArticleUsage`).
ARTICLE_KINDS = (
    UsageKind.ARTICLE_VIEW,
    UsageKind.HELPFUL,
    UsageKind.NOT_HELPFUL,
    UsageKind.USED_IN_REPLY,
)
DATA_ACCESS = "data_access"
# The workload report's: public replies sent per day and author; requests resolved per day of
# their resolution, region, centre and assignee.
REPLIES = "replies"
RESOLVED = "resolved"
SOURCES = (CALLS, USAGE, DATA_ACCESS, REPLIES, RESOLVED)
# The counts each source's scan writes.
WRITTEN = {CALLS: (CALLS,), USAGE: (USAGE, USAGE_ARTICLES, USAGE_SEARCHES, *MONTHLY.values()),
           DATA_ACCESS: (DATA_ACCESS,), REPLIES: (REPLIES,), RESOLVED: (RESOLVED,)}  # fmt: skip
# A reply the workload report counts: sent to the citizen by a person (not VIK itself).
REPLY = Q(direction=Direction.OUTBOUND, visibility=Visibility.PUBLIC, is_automatic=False)
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
OVERLAP = dt.timedelta(minutes=5)
BATCH = 2000
TABLE = DailyCount._meta.db_table
# The rebuild reads the raw rows this many days at a time.
REBUILD_DAYS = 31


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the Prague days first…last."""
    start = dt.datetime.combine(first, dt.time.min, tzinfo=PRAGUE)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=PRAGUE)
    return start, end


# The cells of raw rows -----------------------------------------------------------------------


def call_cell_rows(calls: QuerySet[Call]) -> QuerySet[Any]:
    """The calls' counts per day, region, centre and agent (one scan)."""
    return (
        calls.annotate(day=bucket_trunc("started_at", "day"))
        .order_by()
        .values("day", "region_id", "centre_id", "agent_id")
        .annotate(
            **{name: Count("pk", filter=CALL_FILTERS[name]) for name in CALL_COUNTS},
            talk_sum=Sum("duration_seconds", filter=TALK),
            talk_count=Count("duration_seconds", filter=TALK),
        )
    )


def _call_cells(start: dt.datetime, end: dt.datetime) -> Iterable[DailyCount]:
    calls = Call.objects.filter(started_at__gte=start, started_at__lt=end)
    for row in call_cell_rows(calls):
        for name in CALL_COUNTS:
            if not row[name]:
                continue
            talk = name == "answered"
            yield DailyCount(
                source=CALLS,
                day=bucket_of(row["day"]),
                region_id=row["region_id"],
                centre_id=row["centre_id"],
                person_id=row["agent_id"],
                kind=name,
                n=row[name],
                seconds_sum=row["talk_sum"] if talk else None,
                seconds_count=row["talk_count"] if talk else 0,
            )


def usage_label() -> Case:
    """The text of a search without a result; nothing for every other event."""
    return Case(
        When(kind=UsageKind.SEARCH_EMPTY, then=F("query")),
        default=Value(""),
        output_field=CharField(),
    )


def _usage_cells(start: dt.datetime, end: dt.datetime) -> Iterable[DailyCount]:
    """One scan of the events, counted three ways: per centre, kind and topic (USAGE); per
    centre, kind, article and topic of the events naming an article, of the kinds the article
    figures count (USAGE_ARTICLES); per centre
    and text of the searches without a result that have one (USAGE_SEARCHES)."""
    rows = (
        UsageEvent.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=bucket_trunc("created_at", "day"), label=usage_label())
        .order_by()
        .values("day", "centre_id", "kind", "article_id", "topic_id", "label")
        .annotate(n=Count("pk"))
    )
    cells: dict[tuple[Any, ...], int] = {}
    for row in rows:
        day = bucket_of(row["day"])
        keys = [(USAGE, day, row["centre_id"], row["kind"], None, row["topic_id"], "")]
        if row["article_id"] is not None and row["kind"] in ARTICLE_KINDS:
            keys.append((USAGE_ARTICLES, day, row["centre_id"], row["kind"], row["article_id"],
                         row["topic_id"], ""))  # fmt: skip
        if row["label"]:
            keys.append((USAGE_SEARCHES, day, row["centre_id"], row["kind"], None, None,
                         row["label"]))  # fmt: skip
        for key in keys:
            cells[key] = cells.get(key, 0) + row["n"]
    for (source, day, centre_id, kind, article_id, topic_id, label), n in cells.items():
        yield DailyCount(
            source=source,
            day=day,
            centre_id=centre_id,
            kind=kind,
            article_id=article_id,
            topic_id=topic_id,
            label=label,
            n=n,
        )


def _data_access_cells(start: dt.datetime, end: dt.datetime) -> Iterable[DailyCount]:
    rows = (
        AuditEvent.objects.filter(personal_data=True, created_at__gte=start, created_at__lt=end)
        .annotate(day=bucket_trunc("created_at", "day"))
        .order_by()
        .values("day", "region_id", "actor_id", "action")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        yield DailyCount(
            source=DATA_ACCESS,
            day=bucket_of(row["day"]),
            region_id=row["region_id"],
            person_id=row["actor_id"],
            kind=row["action"],
            n=row["n"],
        )


def _reply_cells(start: dt.datetime, end: dt.datetime) -> Iterable[DailyCount]:
    rows = (
        Interaction.objects.filter(
            REPLY, author__isnull=False, occurred_at__gte=start, occurred_at__lt=end
        )
        .annotate(day=bucket_trunc("occurred_at", "day"))
        .order_by()
        .values("day", "author_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        yield DailyCount(
            source=REPLIES,
            day=bucket_of(row["day"]),
            person_id=row["author_id"],
            kind=REPLIES,
            n=row["n"],
        )


def _resolved_cells(start: dt.datetime, end: dt.datetime) -> Iterable[DailyCount]:
    rows = (
        Request.objects.filter(assignee__isnull=False, resolved_at__gte=start, resolved_at__lt=end)
        .annotate(day=bucket_trunc("resolved_at", "day"))
        .order_by()
        .values("day", "region_id", "centre_id", "assignee_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        yield DailyCount(
            source=RESOLVED,
            day=bucket_of(row["day"]),
            region_id=row["region_id"],
            centre_id=row["centre_id"],
            person_id=row["assignee_id"],
            kind=RESOLVED,
            n=row["n"],
        )


CELLS = {
    CALLS: _call_cells,
    USAGE: _usage_cells,
    DATA_ACCESS: _data_access_cells,
    REPLIES: _reply_cells,
    RESOLVED: _resolved_cells,
}


# Keeping them --------------------------------------------------------------------------------


# What tells a day's cell from the others, and what it counts.
CELL_KEY = ("source", "day", "region_id", "centre_id", "person_id", "kind", "article_id",
            "topic_id", "label")  # fmt: skip
CELL_VALUES = ("n", "seconds_sum", "seconds_count")


def days_recount(source: str, first: dt.date, last: dt.date) -> int:
    """Recompute the counts of the days first…last from the raw rows; returns the cells
    written. Only the cells that differ are written: the kept ones are read and compared, a
    changed or new cell inserted, a changed or vanished one deleted (a request changed on an
    old day rewrites a cell or two of that day, not all of them)."""
    start, end = day_bounds(first, last)
    written = 0
    daily_sources = [name for name in WRITTEN[source] if name not in MONTHLY.values()]
    with transaction.atomic():
        kept: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]] = {}
        stale: set[int] = set()  # every kept row, until a recomputed cell matches it
        for row in (
            DailyCount.objects.filter(source__in=daily_sources, day__gte=first, day__lte=last)
            .order_by("pk")
            .values_list("pk", *CELL_KEY, *CELL_VALUES)
        ):
            # A cell written twice keeps its first row; the copy is stale.
            kept.setdefault(row[1 : 1 + len(CELL_KEY)], (row[0], row[1 + len(CELL_KEY) :]))
            stale.add(row[0])
        batch: list[DailyCount] = []
        for cell in CELLS[source](start, end):
            found = kept.get(tuple(getattr(cell, name) for name in CELL_KEY))
            if found is not None and found[1] == tuple(getattr(cell, n) for n in CELL_VALUES):
                stale.discard(found[0])  # the same as kept
                continue
            batch.append(cell)
            if len(batch) >= BATCH:
                DailyCount.objects.bulk_create(batch)
                written += len(batch)
                batch = []
        DailyCount.objects.bulk_create(batch)
        written += len(batch)
        ordered = sorted(stale)
        for at in range(0, len(ordered), BATCH):
            DailyCount.objects.filter(pk__in=ordered[at : at + BATCH]).delete()
        if source == USAGE:
            written += _months_recount(first, last)
    return written


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _months_recount(first: dt.date, last: dt.date) -> int:
    """The monthly sums of the months of the days first…last, from their days' counts."""
    written = 0
    month = month_of(first)
    while month <= last:
        end = _month_end(month)
        for daily_source, monthly_source in MONTHLY.items():
            DailyCount.objects.filter(source=monthly_source, day=month).delete()
            # Summed in SQL (INSERT … SELECT): the refresher recounts the current month at
            # every run in which a usage event was written.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {TABLE} (source, day, centre_id, kind, article_id, topic_id,"  # noqa: S608 — our table
                    " label, n, seconds_count)"
                    " SELECT %s, %s, centre_id, kind, article_id, topic_id, label, SUM(n), 0"
                    f" FROM {TABLE} WHERE source = %s AND day >= %s AND day <= %s"
                    " GROUP BY centre_id, kind, article_id, topic_id, label",
                    [monthly_source, month, daily_source, month, end],
                )
                written += max(cursor.rowcount, 0)
        month = end + dt.timedelta(days=1)
    return written


def _days_of(values: Iterable[dt.datetime | None]) -> set[dt.date]:
    return {bucket_of(value) for value in values if value is not None}


def _changed_requests(since: dt.datetime) -> set[int]:
    """The requests saved, or with a timeline event written, since `since` (as the request
    facts' refresher finds them)."""
    ids = set(Request.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    ids |= set(
        TimelineEvent.objects.filter(created_at__gte=since).values_list("request_id", flat=True)
    )
    return ids


def _resolution_days(ids: set[int], model: type[Request] | type[RequestFact]) -> set[dt.date]:
    key = "pk" if model is Request else "request_id"
    found: set[dt.date] = set()
    ordered = sorted(ids)
    for at in range(0, len(ordered), BATCH):
        found |= _days_of(
            model.objects.filter(
                **{f"{key}__in": ordered[at : at + BATCH]}, resolved_at__isnull=False
            ).values_list("resolved_at", flat=True)
        )
    return found


def watermark_since(since: dt.datetime) -> dt.datetime:
    """The earlier of `since` and the daily counts' own watermark (minus `OVERLAP`)."""
    until = (
        RollupWatermark.objects.filter(name=DAILY_COUNTS)
        .values_list("changes_until", flat=True)
        .first()
    )
    if until is None or until <= EPOCH:
        return since
    return min(since, until - OVERLAP)


def resolved_days_before(since: dt.datetime) -> set[dt.date]:
    """The days at which the requests changed since `since` were resolved before the change, as
    their facts still say (called before the facts are refreshed): a request reopened, or
    resolved again later, is recounted out of its earlier day too."""
    return _resolution_days(_changed_requests(since), RequestFact)


def changed_days(since: dt.datetime) -> dict[str, set[dt.date]]:
    """The days of each source in which a row was written or saved since `since`."""
    return {
        CALLS: _days_of(
            Call.objects.filter(updated_at__gte=since).values_list("started_at", flat=True)
        ),
        USAGE: _days_of(
            UsageEvent.objects.filter(created_at__gte=since)
            .annotate(day=bucket_trunc("created_at", "day"))
            .order_by()
            .values_list("day", flat=True)
            .distinct()
        ),
        DATA_ACCESS: _days_of(
            AuditEvent.objects.filter(personal_data=True, created_at__gte=since)
            .annotate(day=bucket_trunc("created_at", "day"))
            .order_by()
            .values_list("day", flat=True)
            .distinct()
        ),
        # Interactions are written once; a reply counts for its author whatever later happens
        # to its request (transferred, merged), so only new ones change a day.
        REPLIES: _days_of(
            Interaction.objects.filter(REPLY, created_at__gte=since)
            .annotate(day=bucket_trunc("occurred_at", "day"))
            .order_by()
            .values_list("day", flat=True)
            .distinct()
        ),
        # A request resolved, reassigned, transferred: the day of its (current) resolution.
        RESOLVED: _resolution_days(_changed_requests(since), Request),
    }


def _raw_span(source: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    if source == CALLS:
        found = Call.objects.aggregate(first=Min("started_at"), last=Max("started_at"))
    elif source == USAGE:
        found = UsageEvent.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    elif source == REPLIES:
        found = Interaction.objects.filter(REPLY, author__isnull=False).aggregate(
            first=Min("occurred_at"), last=Max("occurred_at")
        )
    elif source == RESOLVED:
        found = Request.objects.filter(assignee__isnull=False).aggregate(
            first=Min("resolved_at"), last=Max("resolved_at")
        )
    else:
        found = AuditEvent.objects.filter(personal_data=True).aggregate(
            first=Min("created_at"), last=Max("created_at")
        )
    return found["first"], found["last"]


def daily_rebuild(until: dt.datetime) -> int:
    """Recompute every day's counts of every source (the old ones deleted first); the
    watermark set to `until`. Returns the cells written."""
    written = 0
    with transaction.atomic():
        DailyCount.objects.all().delete()
        for source in SOURCES:
            first, last = _raw_span(source)
            if first is None or last is None:
                continue
            day, end = bucket_of(first), bucket_of(last)
            while day <= end:
                chunk_end = min(day + dt.timedelta(days=REBUILD_DAYS - 1), end)
                written += days_recount(source, day, chunk_end)
                day = chunk_end + dt.timedelta(days=1)
        RollupWatermark.objects.update_or_create(
            name=DAILY_COUNTS, defaults={"changes_until": until}
        )
    if connection.vendor == "postgresql":  # the planner's statistics of the new rows
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
    return written


def day_runs(days: Iterable[dt.date], longest: int = REBUILD_DAYS) -> list[tuple[dt.date, dt.date]]:
    """The days as runs of consecutive days (first, last), each at most `longest` days: a run is
    recounted with one read of its raw rows and one of its kept cells instead of one per day (a
    thousand old requests changed at once touch hundreds of days, many of them neighbours)."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if runs:
            first, last = runs[-1]
            if day == last + dt.timedelta(days=1) and (day - first).days < longest:
                runs[-1] = (first, day)
                continue
        runs.append((day, day))
    return runs


def daily_refresh(until: dt.datetime, resolved_before: Iterable[dt.date] = ()) -> int:
    """Recompute the days that changed since the watermark (all of them the first time);
    called by `rollups_refresh` under its lock (`resolved_before`: the days the changed requests
    were resolved at before, `resolved_days_before`). Returns the cells written."""
    watermark, _created = RollupWatermark.objects.get_or_create(
        name=DAILY_COUNTS, defaults={"changes_until": EPOCH}
    )
    if watermark.changes_until <= EPOCH:
        return daily_rebuild(until)
    written = 0
    changed = changed_days(watermark.changes_until - OVERLAP)
    changed[RESOLVED] |= set(resolved_before)
    for source, days in changed.items():
        for first, last in day_runs(days):
            written += days_recount(source, first, last)
    watermark.changes_until = max(until, watermark.changes_until)
    watermark.save(update_fields=["changes_until"])
    return written


# Reading them --------------------------------------------------------------------------------


def covered_until() -> dt.date | None:
    """The first Prague day whose counts the reports do not read (the raw rows are read from
    then on); None: no counts (never refreshed, or `VIK_REPORTS_DAILY_COUNTS` off)."""
    if not settings.VIK_REPORTS_DAILY_COUNTS:
        return None
    until = (
        RollupWatermark.objects.filter(name=DAILY_COUNTS)
        .values_list("changes_until", flat=True)
        .first()
    )
    if until is None or until <= EPOCH:
        return None
    return (until - OVERLAP).astimezone(PRAGUE).date()


def split(filters: ReportFilters) -> tuple[tuple[dt.date, dt.date] | None, ReportFilters | None]:
    """The report's period as (first, last) day read from the counts and the filters of the
    rest, read from the raw rows (either None when empty)."""
    cutoff = covered_until()
    if cutoff is None or cutoff <= filters.date_from:
        return None, filters
    if cutoff > filters.date_to:
        return (filters.date_from, filters.date_to), None
    rest = ReportFilters(**{**filters.__dict__, "date_from": cutoff})
    return (filters.date_from, cutoff - dt.timedelta(days=1)), rest


def counts_of(source: str, days: tuple[dt.date, dt.date], *conditions: Q) -> QuerySet[DailyCount]:
    return DailyCount.objects.filter(
        *conditions, source=source, day__gte=days[0], day__lte=days[1]
    ).order_by()


def counts_by_months_of(
    source: str, days: tuple[dt.date, dt.date], *conditions: Q
) -> QuerySet[DailyCount]:
    """The counts of the days first…last of a source summed per month too (`MONTHLY`): the
    months wholly in the period from their sums, the days at either end from their own."""
    first, last = days
    whole_from = first if first.day == 1 else _month_end(first) + dt.timedelta(days=1)
    whole_to = last if last == _month_end(last) else month_of(last) - dt.timedelta(days=1)
    if whole_to < whole_from:  # no whole month
        return counts_of(source, days, *conditions)
    read = Q(source=MONTHLY[source], day__gte=whole_from, day__lte=month_of(whole_to))
    if first < whole_from:
        read |= Q(source=source, day__gte=first, day__lt=whole_from)
    if last > whole_to:
        read |= Q(source=source, day__gt=whole_to, day__lte=last)
    return DailyCount.objects.filter(read, *conditions).order_by()


def bucket_of_day(granularity: str) -> Any:
    """The day, week (Monday) or month start of a count's day, in SQL."""
    if granularity == "day":
        return F("day")
    return Trunc("day", granularity, output_field=DateField())
