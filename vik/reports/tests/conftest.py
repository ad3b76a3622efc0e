"""A small report of the tests' own (requests by channel), registered only while a test runs:
the renderers are tested on crafted figures, independent of the real builders."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import Count, Q

from vik.channels.core.choices import ChannelKind
from vik.contacts.models import Contact
from vik.conversations.models import Request
from vik.core import clock
from vik.reports import registry
from vik.reports.document import Chart, Column, ReportDocument, Section
from vik.reports.filters import ReportFilters, Scope
from vik.reports.registry import ReportSpec
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership, User
from vik.testing.personas import PASSWORD

BUILT: list[tuple[ReportFilters, Scope]] = []
_references = itertools.count(1)


def _requests(filters: ReportFilters, scope: Scope) -> Any:
    start = dt.datetime.combine(filters.date_from, dt.time(), tzinfo=clock.PRAGUE)
    end = dt.datetime.combine(
        filters.date_to + dt.timedelta(days=1), dt.time(), tzinfo=clock.PRAGUE
    )
    requests = Request.objects.filter(
        region_id=scope.region_id, created_at__gte=start, created_at__lt=end
    )
    if scope.centre_ids is not None:
        requests = requests.filter(centre_id__in=sorted(scope.centre_ids))
    if scope.agent_id is not None:
        requests = requests.filter(assignee_id=scope.agent_id)
    if filters.centre_ids:
        requests = requests.filter(centre_id__in=filters.centre_ids)
    if filters.channels:
        requests = requests.filter(origin_channel__in=filters.channels)
    return requests


def build_by_channel(filters: ReportFilters, scope: Scope) -> ReportDocument:
    BUILT.append((filters, scope))
    rows_qs = (
        _requests(filters, scope)
        .values("origin_channel")
        .annotate(
            total=Count("pk"), active=Count("pk", filter=~Q(status__in=["resolved", "closed"]))
        )
        .order_by("origin_channel")
    )
    rows = [
        {
            "channel": ChannelKind(row["origin_channel"]).label,
            "total": row["total"],
            "active": row["active"],
            "share_active": row["active"] / row["total"],
            "minutes": 135,
        }
        for row in rows_qs
    ]
    total = sum(row["total"] for row in rows)
    base = {
        "received_from": filters.date_from.isoformat(),
        "received_to": filters.date_to.isoformat(),
    }
    if filters.centre_ids:
        base["centre"] = str(filters.centre_ids[0])
    return ReportDocument(
        slug="test-channels",
        title="Požadavky podle kanálů",
        filters_description=[],
        sections=[
            Section(
                slug="channels",
                title="Podle kanálu",
                summary=f"Celkem přišlo {total} požadavků.",
                columns=[
                    Column("channel", "Kanál"),
                    Column("total", "Požadavky", "count", drill={}),
                    Column("active", "Nevyřízené", "count", drill={"status": "active"}),
                    Column("share_active", "Podíl nevyřízených", "percent"),
                    Column("minutes", "První odpověď", "minutes"),
                ],
                rows=rows,
                row_drill=[{"channel": row["origin_channel"]} for row in rows_qs],
                chart=Chart(kind="bar", category="channel", series=("total", "active")),
                totals={"total": total},
            )
        ],
        generated_at=clock.now(),
        drill_base=base,
    )


@pytest.fixture
def test_reports() -> Iterator[list[tuple[ReportFilters, Scope]]]:
    """Registers "test-channels" (for agents too) and "test-leads" (not for agents); yields the
    (filters, scope) of every build, so a refusal can be shown to compute nothing."""
    saved = dict(registry._REPORTS)
    registry._REPORTS.clear()
    registry.report_register(
        ReportSpec(
            "test-channels",
            "Požadavky podle kanálů",
            "Kolik požadavků přišlo kterým kanálem.",
            build_by_channel,
        )
    )
    registry.report_register(
        ReportSpec(
            "test-leads", "Vytížení týmu", "Jen pro vedoucí.", build_by_channel, for_agents=False
        )
    )
    BUILT.clear()
    try:
        yield BUILT
    finally:
        registry._REPORTS.clear()
        registry._REPORTS.update(saved)


def make_request(
    world: Any,
    *,
    centre: Any,
    channel: str = ChannelKind.EMAIL,
    status: str = "new",
    received: dt.datetime | None = None,
    assignee: User | None = None,
    **extra: Any,
) -> Request:
    number = next(_references)
    contact = Contact.objects.create(region=world.region, name=f"Občan {number}")
    request = Request.objects.create(
        region=world.region, centre=centre, reference=f"VY-2026-{number:06d}",
        subject=f"Dotaz {number}", requester=contact, origin_channel=channel,
        status=status, assignee=assignee, public_token=f"tok{number:029d}", **extra,
    )  # fmt: skip
    if received is not None:
        Request.objects.filter(pk=request.pk).update(created_at=received)
    return request


@pytest.fixture
def lead(world: Any) -> User:
    """Lena leads centre A (Jihlava)."""
    user = User.objects.create_user(
        username="lena",
        password=PASSWORD,
        first_name="Lena",
        last_name="Test",
        email="lena@example.cz",
    )
    Membership.objects.create(
        user=user, region=world.region, centre=world.centre_a, role=Role.CENTRE_LEAD
    )
    return user
