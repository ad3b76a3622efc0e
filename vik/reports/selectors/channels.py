"""The calls, call-backs, chats and offline chat messages of a report's period and scope, and
their figures grouped by period bucket or by centre in one query each.

A call belongs to the period in which it started, a call-back to the one in which it was asked
for, a chat to the one in which it was queued. Scope: the region, its centres (a lead's own),
and an agent's own calls (that they answered), call-backs (that they tried) and chats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet, Sum

from vik.channels.chat.models import ChatSession, ChatState
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount, InboundPayload
from vik.channels.phone.choices import CallBackState, CallDirection, CallState
from vik.channels.phone.models import Call, CallBack, CallBackTry
from vik.tenancy.models import InformationCentre

from ..filters import ReportFilters, Scope
from .periods import bucket_of, bucket_trunc, period_bounds


def _excluded(filters: ReportFilters, channel: str) -> bool:
    return bool(filters.channels) and channel not in filters.channels


def _centres(
    rows: QuerySet[Any], filters: ReportFilters, scope: Scope, field: str
) -> QuerySet[Any]:
    if scope.centre_ids is not None:
        rows = rows.filter(**{f"{field}__in": sorted(scope.centre_ids)})
    if filters.centre_ids:
        rows = rows.filter(**{f"{field}__in": filters.centre_ids})
    return rows


def calls_excluded(filters: ReportFilters) -> bool:
    """Whether the channel filter leaves the calls out."""
    return _excluded(filters, ChannelKind.PHONE)


def calls_of(filters: ReportFilters, scope: Scope) -> QuerySet[Call]:
    start, end = period_bounds(filters)
    calls = Call.objects.filter(
        region_id=scope.region_id, started_at__gte=start, started_at__lt=end
    )
    if _excluded(filters, ChannelKind.PHONE):
        return calls.none()
    calls = _centres(calls, filters, scope, "centre_id")
    if scope.agent_id is not None:
        calls = calls.filter(agent_id=scope.agent_id)
    if filters.agent_ids:
        calls = calls.filter(agent_id__in=filters.agent_ids)
    if filters.municipality_ids:
        calls = calls.filter(municipality_id__in=filters.municipality_ids)
    return calls


INBOUND = Q(direction=CallDirection.IN)
ANSWERED = Q(direction=CallDirection.IN, answered_at__isnull=False)


CALL_COUNTS = ("offered", "answered", "missed", "outbound")
CALL_FILTERS = {
    "offered": INBOUND,
    "answered": ANSWERED,
    "missed": Q(INBOUND, state=CallState.MISSED),
    "outbound": Q(direction=CallDirection.OUT),
}
TALK = ANSWERED  # the talk time averaged: of the answered incoming calls


def call_cells(calls: QuerySet[Any]) -> dict[tuple[Any, Any], dict[str, Any]]:
    """{(bucket day, centre id): counts, and the sum and count of the talk times} of the calls
    (annotated with "bucket"): one scan, summed by period or by centre in `call_figures_of`."""
    cells: dict[tuple[Any, Any], dict[str, Any]] = {}
    for row in (
        calls.order_by()
        .values("bucket", "centre_id")
        .annotate(
            **{name: Count("pk", filter=CALL_FILTERS[name]) for name in CALL_COUNTS},
            talk_sum=Sum("duration_seconds", filter=TALK),
            talk_count=Count("duration_seconds", filter=TALK),
        )
    ):
        cell_add(cells, (bucket_of(row["bucket"]), row["centre_id"]), row)
    return cells


def cell_add(
    cells: dict[tuple[Any, Any], dict[str, Any]], key: tuple[Any, Any], counts: dict[str, Any]
) -> None:
    """Add counts (of the calls or of their daily counts) to the cell of a bucket and centre."""
    cell = cells.setdefault(
        key, {**dict.fromkeys(CALL_COUNTS, 0), "talk_sum": None, "talk_count": 0}
    )
    for name in (*CALL_COUNTS, "talk_count"):
        cell[name] += counts.get(name) or 0
    if counts.get("talk_sum") is not None:
        cell["talk_sum"] = (cell["talk_sum"] or 0) + counts["talk_sum"]


def call_figures_of(
    cells: dict[tuple[Any, Any], dict[str, Any]], group: str
) -> dict[Any, dict[str, Any]]:
    """{"bucket" or "centre_id" value: counts and the average talk time} from the cells: the
    counts summed, the average talk time their sum over their count (exact, a Decimal)."""
    found: dict[Any, dict[str, Any]] = {}
    for (bucket, centre_id), cell in cells.items():
        key = bucket if group == "bucket" else centre_id
        row = found.setdefault(
            key, {group: key, **dict.fromkeys(CALL_COUNTS, 0), "talk_sum": 0, "talk_count": 0}
        )
        for name in (*CALL_COUNTS, "talk_count"):
            row[name] += cell[name]
        row["talk_sum"] += cell["talk_sum"] or 0
    for row in found.values():
        talk_sum, talk_count = row.pop("talk_sum"), row.pop("talk_count")
        row["talk"] = Decimal(talk_sum) / Decimal(talk_count) if talk_count else None
    return found


def with_bucket(rows: QuerySet[Any], field: str, filters: ReportFilters) -> QuerySet[Any]:
    annotated: QuerySet[Any] = rows.annotate(bucket=bucket_trunc(field, filters.granularity))
    return annotated


def callbacks_of(filters: ReportFilters, scope: Scope) -> QuerySet[CallBack]:
    start, end = period_bounds(filters)
    callbacks = CallBack.objects.filter(
        region_id=scope.region_id, created_at__gte=start, created_at__lt=end
    )
    if _excluded(filters, ChannelKind.PHONE):
        return callbacks.none()
    callbacks = _centres(callbacks, filters, scope, "centre_id")
    tried_by = [scope.agent_id] if scope.agent_id is not None else list(filters.agent_ids)
    if tried_by:
        callbacks = callbacks.filter(
            pk__in=CallBackTry.objects.filter(by_id__in=tried_by).values("callback_id")
        )
    return callbacks


def callback_figures(
    callbacks: QuerySet[CallBack], group: str, now: Any
) -> dict[Any, dict[str, Any]]:
    return {
        row[group]: row
        for row in callbacks.order_by()
        .values(group)
        .annotate(
            requested=Count("pk"),
            reached=Count("pk", filter=Q(state=CallBackState.REACHED)),
            gave_up=Count("pk", filter=Q(state=CallBackState.GAVE_UP)),
            waiting=Count("pk", filter=Q(state=CallBackState.OPEN)),
            overdue=Count("pk", filter=Q(state=CallBackState.OPEN, due_at__lt=now)),
        )
    }


# Chats -----------------------------------------------------------------------------------------


def _region_centre_ids(region_id: int) -> list[int]:
    return list(InformationCentre.objects.filter(region_id=region_id).values_list("pk", flat=True))


def chats_of(filters: ReportFilters, scope: Scope) -> QuerySet[ChatSession]:
    """The chats queued in the period: by the region's centres (the index on centre, state and
    queued time), and the region's chats no centre took (found first by their own, few rows:
    naming their request's region in the figures' queries joined every chat to its request)."""
    start, end = period_bounds(filters)
    period = Q(queued_at__gte=start, queued_at__lt=end)
    without_centre = list(
        ChatSession.objects.filter(
            period, centre__isnull=True, request__region_id=scope.region_id
        ).values_list("pk", flat=True)
    )
    chats = ChatSession.objects.filter(
        Q(centre_id__in=_region_centre_ids(scope.region_id)) | Q(pk__in=without_centre), period
    )
    if _excluded(filters, ChannelKind.CHAT):
        return chats.none()
    chats = _centres(chats, filters, scope, "centre_id")
    if scope.agent_id is not None:
        chats = chats.filter(agent_id=scope.agent_id)
    if filters.agent_ids:
        chats = chats.filter(agent_id__in=filters.agent_ids)
    return chats


LEFT_QUEUE = Q(accepted_at__isnull=True, state=ChatState.CLOSED)


def chat_figures(chats: QuerySet[ChatSession], group: str) -> dict[Any, dict[str, Any]]:
    return {
        row[group]: row
        for row in chats.order_by()
        .values(group)
        .annotate(
            started=Count("pk"),
            accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
            left=Count("pk", filter=LEFT_QUEUE),
            rated=Count("rating"),
            rating=Avg("rating"),
        )
    }


def offline_messages_of(filters: ReportFilters, scope: Scope) -> QuerySet[InboundPayload]:
    """Messages left in the chat widget when no one could chat, received in the period: the
    raw payloads of the region's chat accounts (a live chat stores none; the unique index on
    account and key finds them) that became requests, with the centre of their request as
    `centre_id`."""
    start, end = period_bounds(filters)
    accounts = ChannelAccount.objects.filter(region_id=scope.region_id, kind=ChannelKind.CHAT)
    messages = InboundPayload.objects.filter(
        account_id__in=list(accounts.values_list("pk", flat=True)),
        received_at__gte=start,
        received_at__lt=end,
        interaction__isnull=False,
    ).annotate(centre_id=F("interaction__request__centre_id"))
    if _excluded(filters, ChannelKind.CHAT):
        return messages.none()
    messages = _centres(messages, filters, scope, "interaction__request__centre_id")
    if scope.agent_id is not None:
        messages = messages.filter(interaction__request__assignee_id=scope.agent_id)
    if filters.agent_ids:
        messages = messages.filter(interaction__request__assignee_id__in=filters.agent_ids)
    return messages


def counted_by(rows: QuerySet[Any], group: str) -> dict[Any, int]:
    return {row[group]: row["n"] for row in rows.order_by().values(group).annotate(n=Count("pk"))}
