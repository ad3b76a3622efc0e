"""One request as a fact: what the reports count of it, computed from its raw row. Used by the
refresher (`vik.reports.rollups`) to write `RequestFact` rows and by the reference figures to
count the raw tables the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q, QuerySet

from vik.conversations.models import Request
from vik.conversations.selectors import with_statutory_provided_at
from vik.conversations.states import OPEN_STATUSES
from vik.core.clock import PRAGUE
from vik.sla import calendar
from vik.sla.services import hours_for
from vik.topics.models import Topic

from . import period_start

RAW_FIELDS = (
    "id", "region_id", "merged_into_id", "created_at", "origin_channel", "kind", "status",
    "centre_id", "municipality_id", "municipality__orp_id", "topic_id", "assignee_id", "due_at",
    "first_response_at", "first_response_due_at", "resolved_at", "resolution_due_at",
    "statutory_due_on", "statutory_original_due_on", "statutory_extended_at",
    "statutory_provided_at", "rating__score",
)  # fmt: skip

# The fact's columns besides request_id, in the order `fact_of` fills them.
FACT_FIELDS = (
    "region_id", "counted", "received_at", "received_on", "received_week", "received_month",
    "channel", "kind", "centre_id", "municipality_id", "orp_id", "topic_id", "topic_root_id",
    "agent_id", "is_open", "is_resolved", "due_at", "first_response_at", "first_response_due_at",
    "first_response_minutes", "resolved_at", "resolution_due_at", "resolution_minutes",
    "statutory_due_on", "statutory_original_due_on", "statutory_extended", "provided_on",
    "rating",
)  # fmt: skip


def raw_fields() -> tuple[str, ...]:
    return RAW_FIELDS


def raw_requests(condition: Q | None = None) -> QuerySet[Request]:
    """The raw requests (`condition`: which) with what a fact reads that is not a column: when
    an information request's information was provided (`with_statutory_provided_at`)."""
    requests = Request.objects.filter(condition) if condition is not None else Request.objects
    return with_statutory_provided_at(requests.all())


def topic_roots() -> dict[int, int]:
    """Every topic's top-level topic."""
    parents = dict(Topic.objects.values_list("pk", "parent_id"))
    roots: dict[int, int] = {}
    for topic_id in parents:
        current, seen = topic_id, 0
        while parents.get(current) is not None and seen < 20:
            current, seen = parents[current], seen + 1
        roots[topic_id] = current
    return roots


def topic_with_subtopics(topic_ids: Iterable[int]) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Topic.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    stack = list(topic_ids)
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return found


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(PRAGUE).date() if moment is not None else None


def fact_of(row: dict[str, Any], roots: dict[int, int]) -> dict[str, Any]:
    """The fact's column values of one raw request row (`raw_fields()`)."""
    received: dt.datetime = row["created_at"]
    received_on = received.astimezone(PRAGUE).date()
    is_open = row["status"] in OPEN_STATUSES
    resolved_at = None if is_open else row["resolved_at"]
    hours = hours_for(row["centre_id"])
    first_response_at = row["first_response_at"]
    first_minutes = (
        calendar.working_minutes_between(received, first_response_at, hours)
        if first_response_at is not None
        else None
    )
    resolution_minutes = (
        calendar.working_minutes_between(received, resolved_at, hours)
        if resolved_at is not None
        else None
    )
    topic_id = row["topic_id"]
    due_on = row["statutory_due_on"]
    original = row.get("statutory_original_due_on") or due_on
    return {
        "region_id": row["region_id"],
        "counted": row["merged_into_id"] is None,
        "received_at": received,
        "received_on": received_on,
        "received_week": period_start(received_on, "week"),
        "received_month": period_start(received_on, "month"),
        "channel": row["origin_channel"],
        "kind": row["kind"],
        "centre_id": row["centre_id"],
        "municipality_id": row["municipality_id"],
        "orp_id": row["municipality__orp_id"],
        "topic_id": topic_id,
        "topic_root_id": roots.get(topic_id, topic_id) if topic_id is not None else None,
        "agent_id": row["assignee_id"],
        "is_open": is_open,
        "is_resolved": resolved_at is not None,
        "due_at": row["due_at"] if is_open else None,
        "first_response_at": first_response_at,
        "first_response_due_at": row["first_response_due_at"],
        "first_response_minutes": first_minutes,
        "resolved_at": resolved_at,
        "resolution_due_at": row["resolution_due_at"],
        "resolution_minutes": resolution_minutes,
        "statutory_due_on": due_on,
        "statutory_original_due_on": original if due_on is not None else None,
        "statutory_extended": due_on is not None and row.get("statutory_extended_at") is not None,
        # When the information was provided (`vik.sla.statutory`): the last public reply up to
        # the resolution, or the resolution itself.
        "provided_on": (
            _local_day(row["statutory_provided_at"]) if due_on is not None and not is_open else None
        ),
        "rating": row["rating__score"],
    }


def raw_rows(
    request_ids: Iterable[int] | None = None, chunk: int = 5000
) -> Iterator[dict[str, Any]]:
    """Raw rows of the given requests (all requests: None), in id order."""
    names = raw_fields()
    if request_ids is None:
        last = 0
        while True:
            batch = list(raw_requests(Q(pk__gt=last)).order_by("pk").values(*names)[:chunk])
            if not batch:
                return
            yield from batch
            last = batch[-1]["id"]
    ids = sorted(set(request_ids))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        yield from raw_requests(Q(pk__in=part)).order_by("pk").values(*names)
