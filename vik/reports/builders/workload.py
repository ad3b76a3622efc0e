"""The workload report (issue 17 §3): per member of staff, what they hold now and what they did
in the period — requests resolved, public replies sent, how fast they answered first, chats and
calls taken. A lead sees their centre's people, a coordinator the region's, an agent only their
own row."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from vik.channels.chat.models import ChatSession
from vik.channels.phone.choices import CallDirection
from vik.channels.phone.models import Call
from vik.conversations.choices import Direction, Status, Visibility
from vik.conversations.models import Interaction, Request
from vik.core import clock
from vik.core.memo import batch_memo
from vik.sla.calendar import working_minutes_between
from vik.sla.services import hours_for
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership

from .. import daily
from ..document import Chart, Column, ReportDocument, Section
from ..filters import ReportFilters, Scope
from ..registry import ReportSpec
from ..selectors.periods import period_bounds
from . import wording
from .wording import number

OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING_CITIZEN, Status.WAITING_OFFICE)
# The median first response of an agent is that of their latest answered requests of the
# period (each one's working minutes are counted in Python, by its centre's opening hours).
FIRST_RESPONSE_SAMPLE = 200
WORKING_ROLES = (Role.AGENT, Role.CENTRE_LEAD)


def people_of(filters: ReportFilters, scope: Scope) -> dict[int, set[int]]:
    """{user id: their centres} of the working staff the reader sees."""
    members = Membership.objects.filter(
        region_id=scope.region_id,
        centre__isnull=False,
        centre__is_active=True,
        role__in=WORKING_ROLES,
        user__is_active=True,
    )
    if scope.centre_ids is not None:
        members = members.filter(centre_id__in=sorted(scope.centre_ids))
    if scope.agent_id is not None:
        members = members.filter(user_id=scope.agent_id)
    if filters.centre_ids:
        members = members.filter(centre_id__in=filters.centre_ids)
    if filters.agent_ids:
        members = members.filter(user_id__in=filters.agent_ids)
    people: dict[int, set[int]] = {}
    for user_id, centre_id in members.values_list("user_id", "centre_id"):
        people.setdefault(user_id, set()).add(centre_id)
    return people


def _by(rows: QuerySet[Any], field: str) -> dict[int, int]:
    return dict(rows.order_by().values_list(field).annotate(n=Count("pk")))


def _median_first_response(user_id: int, filters: ReportFilters, scope: Scope) -> float | None:
    start, end = period_bounds(filters)
    answered = Request.objects.filter(
        region_id=scope.region_id,
        assignee_id=user_id,
        created_at__gte=start,
        created_at__lt=end,
        first_response_at__isnull=False,
        merged_into__isnull=True,
    )
    if scope.centre_ids is not None:
        answered = answered.filter(centre_id__in=sorted(scope.centre_ids))
    minutes = [
        working_minutes_between(received, responded, hours_for(centre_id))
        if responded is not None
        else 0
        for received, responded, centre_id in answered.order_by("-created_at", "-id").values_list(
            "created_at", "first_response_at", "centre_id"
        )[:FIRST_RESPONSE_SAMPLE]
    ]
    return statistics.median(minutes) if minutes else None


def _raw_counts(
    ids: list[int], filters: ReportFilters, scope: Scope
) -> tuple[Counter[int], Counter[int], Counter[int]]:
    """Requests resolved, replies sent and calls answered per person in the period, from the
    raw tables."""
    start, end = period_bounds(filters)
    requests = Request.objects.filter(
        region_id=scope.region_id, assignee_id__in=ids, resolved_at__gte=start, resolved_at__lt=end
    )
    if scope.centre_ids is not None:
        requests = requests.filter(centre_id__in=sorted(scope.centre_ids))
    resolved = _by(requests, "assignee_id")
    replies = _by(
        Interaction.objects.filter(
            author_id__in=ids,
            direction=Direction.OUTBOUND,
            visibility=Visibility.PUBLIC,
            is_automatic=False,
            occurred_at__gte=start,
            occurred_at__lt=end,
        ),
        "author_id",
    )
    calls = _by(
        Call.objects.filter(
            Q(direction=CallDirection.IN, answered_at__isnull=False),
            region_id=scope.region_id,
            agent_id__in=ids,
            started_at__gte=start,
            started_at__lt=end,
        ),
        "agent_id",
    )
    return Counter(resolved), Counter(replies), Counter(calls)


def _summed(source: str, days: tuple[Any, Any], *conditions: Q) -> Counter[int]:
    return Counter(
        dict(
            daily.counts_of(source, days, *conditions).values_list("person_id").annotate(n=Sum("n"))
        )
    )


def _period_counts(
    ids: list[int], filters: ReportFilters, scope: Scope
) -> tuple[Counter[int], Counter[int], Counter[int]]:
    """The same, the whole days the refresher counted from their daily counts
    (`vik.reports.daily`), today and the days since its last run from the raw tables."""
    counted, rest = daily.split(filters)
    resolved: Counter[int] = Counter()
    replies: Counter[int] = Counter()
    calls: Counter[int] = Counter()
    if counted is not None:
        people = Q(person_id__in=ids)
        region = Q(region_id=scope.region_id)
        centres = Q(centre_id__in=sorted(scope.centre_ids)) if scope.centre_ids is not None else Q()
        resolved += _summed(daily.RESOLVED, counted, people, region, centres)
        replies += _summed(daily.REPLIES, counted, people)
        calls += _summed(daily.CALLS, counted, people, region, Q(kind="answered"))
    if rest is not None:
        raw = _raw_counts(ids, rest, scope)
        resolved += raw[0]
        replies += raw[1]
        calls += raw[2]
    return resolved, replies, calls


def build_workload(filters: ReportFilters, scope: Scope) -> ReportDocument:
    people = people_of(filters, scope)
    ids = sorted(people)
    start, end = period_bounds(filters)
    requests = Request.objects.filter(region_id=scope.region_id, assignee_id__in=ids)
    if scope.centre_ids is not None:
        requests = requests.filter(centre_id__in=sorted(scope.centre_ids))
    # COUNT(*): counted from the index `request_assignee_open` alone (no request row read).
    open_now = dict(
        requests.filter(status__in=OPEN_STATUSES, merged_into__isnull=True)
        .order_by()
        .values_list("assignee_id")
        .annotate(n=Count("*"))
    )
    resolved, replies, calls = _period_counts(ids, filters, scope)
    chats = _by(
        ChatSession.objects.filter(
            agent_id__in=ids, accepted_at__isnull=False, queued_at__gte=start, queued_at__lt=end
        ),
        "agent_id",
    )
    names = wording.person_names(ids)
    centres = wording.centre_names(centre for held in people.values() for centre in held)
    rows: list[dict[str, Any]] = []
    drills: list[dict[str, str]] = []
    with batch_memo():  # the centres' opening hours read once, not once per request
        first_responses = {pk: _median_first_response(pk, filters, scope) for pk in ids}
    for user_id in sorted(ids, key=lambda pk: names.get(pk, "")):
        rows.append(
            {
                "person": names.get(user_id, ""),
                "centres": ", ".join(
                    sorted(centres[pk] for pk in people[user_id] if pk in centres)
                ),
                "open_now": open_now.get(user_id, 0),
                "resolved": resolved.get(user_id, 0),
                "replies": replies.get(user_id, 0),
                "first_response": first_responses[user_id],
                "chats": chats.get(user_id, 0),
                "calls": calls.get(user_id, 0),
            }
        )
        drills.append({"assignee": str(user_id)})
    totals = {
        "person": _("Total"),
        **wording.total_row(rows, ("open_now", "resolved", "replies", "chats", "calls")),
    }
    if rows:
        busiest = max(rows, key=lambda row: row["open_now"])
        summary = _(
            "%(people)s people hold %(open)s open requests (the most %(person)s: %(most)s); in "
            "the period they resolved %(resolved)s requests and sent %(replies)s replies."
        ) % {
            "people": number(len(rows)),
            "open": number(totals["open_now"]),
            "person": busiest["person"],
            "most": number(busiest["open_now"]),
            "resolved": number(totals["resolved"]),
            "replies": number(totals["replies"]),
        }
    else:
        summary = _("Nobody works in the chosen centres.")
    section = Section(
        slug="workload_by_person",
        title=_("Workload by person"),
        summary=summary,
        columns=[
            Column("person", pgettext("workload report column", "Person"), "text"),
            Column("centres", _("Centre"), "text"),
            Column("open_now", _("Open assigned now"), "count", drill={"status": "active"}),
            Column("resolved", _("Resolved in the period"), "count"),
            Column("replies", _("Replies sent"), "count"),
            Column("first_response", _("Median first response"), "minutes"),
            Column("chats", _("Chats taken"), "count"),
            Column("calls", _("Calls answered"), "count"),
        ],
        rows=rows,
        row_drill=drills,
        totals_drill=None,
        chart=Chart("stacked_bar", "person", ("open_now", "resolved")),
        totals=totals,
        note=_(
            "Open requests are counted now; the rest in the period. The first response is the "
            "median in working time of the person's requests received in the period (at most "
            "their latest %(sample)s)."
        )
        % {"sample": FIRST_RESPONSE_SAMPLE},
    )
    return ReportDocument(
        slug="workload",
        title=_("Workload"),
        filters_description=wording.filters_description(filters, scope),
        sections=[section],
        generated_at=clock.now(),
        drill_base=wording.drill_base(filters, dates=False),
    )


WORKLOAD = ReportSpec(
    slug="workload",
    title=gettext_lazy("Workload"),
    description=gettext_lazy(
        "Per person: open requests now, requests resolved, replies sent, first response, "
        "chats and calls in the period."
    ),
    build=build_workload,
    for_agents=True,
)
