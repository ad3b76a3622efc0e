"""The request figures of the reports, answered twice with the same signature:

- `vik.reports.figures.reference.reference_figures`: straight from the raw tables (requests,
  their municipality and rating), working minutes computed per request in Python. Slow; the
  yardstick of the benchmark and of `vik reports verify`.
- `vik.reports.figures.rollup.rollup_figures`: from the facts of `vik.reports.models`, one
  narrow row per request with its working minutes precomputed. What the reports read.

Both take `ReportFilters`, a `Scope` and the dimensions to group by, and return
`{key: Figures}`, the key a tuple of the dimensions' values in the order asked.

Semantics (the same in both):
- Cohort: a request belongs to the period of the Prague day it was received on.
- Not counted: a request merged into another (its work counts in the one it was merged into).
  Spam never becomes a request (held payloads stay in the spam review queue).
- `centre` is the request's current centre: a transferred request counts once, where it is
  answered. `topic` groups by the top-level topic; a topic filter includes the subtopics.
- resolved: resolved or closed now (a reopened request is open until resolved again; its
  resolution time runs to its last resolution). open/overdue: now (`due_at` past).
- Times: working minutes in the opening hours of the request's centre (vik.sla.calendar).
  Percentiles interpolate linearly between the closest ranks, as PostgreSQL's
  `percentile_cont`: position p·(n−1) in the ascending values; rounded to 0.1 minute.
- Service levels: a target counts once it is decided: met (answered/resolved by the target) or
  missed (answered/resolved later, or still not and the target is past); a target not yet due
  is not counted.
- Statutory deadline (information requests): met (provided on or before the original last
  day), met_extended (extended and provided on or before the extended day), missed (later, or
  open after the day), pending (open, not yet due). Provided = resolved.
- CSAT: ratings of the cohort's requests: count, average, count of 4–5 and of 1–2.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

Dimension = Literal["period", "channel", "centre", "orp", "municipality", "topic", "kind", "agent"]
DIMENSIONS: tuple[Dimension, ...] = (
    "period", "channel", "centre", "orp", "municipality", "topic", "kind", "agent",
)  # fmt: skip
Metric = Literal["volume", "times", "sla", "statutory", "csat"]
ALL_METRICS: frozenset[str] = frozenset({"volume", "times", "sla", "statutory", "csat"})
Key = tuple[Any, ...]

STATUTORY_OUTCOMES = ("met", "met_extended", "missed", "pending")


@dataclass
class Figures:
    received: int = 0
    resolved: int = 0
    open: int = 0
    overdue: int = 0
    first_response_count: int = 0
    first_response_median: float | None = None
    first_response_p90: float | None = None
    resolution_count: int = 0
    resolution_median: float | None = None
    resolution_p90: float | None = None
    first_response_sla_met: int = 0
    first_response_sla_total: int = 0
    resolution_sla_met: int = 0
    resolution_sla_total: int = 0
    statutory_met: int = 0
    statutory_met_extended: int = 0
    statutory_missed: int = 0
    statutory_pending: int = 0
    rating_count: int = 0
    rating_sum: int = 0
    rating_high: int = 0  # 4 or 5
    rating_low: int = 0  # 1 or 2

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None

    @property
    def rating_high_share(self) -> float | None:
        return self.rating_high / self.rating_count if self.rating_count else None

    @property
    def first_response_sla_share(self) -> float | None:
        total = self.first_response_sla_total
        return self.first_response_sla_met / total if total else None

    @property
    def resolution_sla_share(self) -> float | None:
        total = self.resolution_sla_total
        return self.resolution_sla_met / total if total else None

    @property
    def statutory_decided(self) -> int:
        return self.statutory_met + self.statutory_met_extended + self.statutory_missed

    @property
    def statutory_in_time_share(self) -> float | None:
        decided = self.statutory_decided
        return (self.statutory_met + self.statutory_met_extended) / decided if decided else None

    def as_dict(self) -> dict[str, Any]:
        return {item.name: getattr(self, item.name) for item in fields(self)}


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's `percentile_cont` of ascending `values`, rounded to 0.1."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    found = values[low] + (values[high] - values[low]) * (position - low)
    return round(found, 1)


def statutory_outcome(
    *,
    due_on: dt.date | None,
    original_due_on: dt.date | None,
    extended: bool,
    provided_on: dt.date | None,
    today: dt.date,
) -> str | None:
    """met | met_extended | missed | pending, None without a statutory deadline: the
    classification of `vik.sla.statutory.statutory_outcome` on a fact's Prague days (a test
    holds the two together)."""
    if due_on is None:
        return None
    original = original_due_on or due_on
    if provided_on is not None:
        if provided_on <= original:
            return "met"
        if extended and provided_on <= due_on:
            return "met_extended"
        return "missed"
    return "missed" if today > due_on else "pending"


def period_start(day: dt.date, granularity: str) -> dt.date:
    if granularity == "day":
        return day
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)
