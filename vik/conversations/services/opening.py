"""Opening a request: its reference, its routing and its deadlines."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import connection

from vik.channels.core.models import ChannelAccount
from vik.contacts.models import Contact
from vik.core import clock
from vik.routing.services import (
    RoutingDecision,
    RoutingFacts,
    routing_decide,
)
from vik.tenancy.models import InformationCentre
from vik.territory.models import Municipality, Region
from vik.topics.models import Topic

from .. import events
from ..choices import RequestKind
from ..models import (
    ReferenceCounter,
    Request,
)
from .deadlines import (
    request_deadlines_set,
)
from .routing import request_routed

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def reference_allocate(*, region: Region, year: int) -> str:
    """The next reference of the region for the year, e.g. VYS-2026-000123.

    Precondition: inside a transaction. One UPDATE both takes the number and locks the counter
    row until the commit, so two workers never hand out one number; a rolled-back savepoint
    gives its number back, so the numbers have no gaps.
    """
    table = ReferenceCounter._meta.db_table
    with connection.cursor() as cursor:
        for _attempt in range(2):
            cursor.execute(
                f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608 (own table)
                "WHERE region_id = %s AND year = %s RETURNING last_number",
                [region.pk, year],
            )
            row = cursor.fetchone()
            if row is not None:
                return f"{region.abbreviation}-{year}-{row[0]:06d}"
            ReferenceCounter.objects.get_or_create(region=region, year=year)  # the year's first
    raise RuntimeError(f"no reference counter for {region} {year}")


def references_allocate(region: Region, years: Sequence[int]) -> list[str]:
    """`reference_allocate` for several requests at once, in order: one UPDATE per year."""
    table = ReferenceCounter._meta.db_table
    taken: dict[int, int] = {}
    for year, count in Counter(years).items():
        with connection.cursor() as cursor:
            for _attempt in range(2):
                cursor.execute(
                    f"UPDATE {table} SET last_number = last_number + %s "  # noqa: S608
                    "WHERE region_id = %s AND year = %s RETURNING last_number",
                    [count, region.pk, year],
                )
                row = cursor.fetchone()
                if row is not None:
                    taken[year] = row[0] - count
                    break
                ReferenceCounter.objects.get_or_create(region=region, year=year)
            else:
                raise RuntimeError(f"no reference counter for {region} {year}")
    numbers = []
    for year in years:
        taken[year] += 1
        numbers.append(f"{region.abbreviation}-{year}-{taken[year]:06d}")
    return numbers


def request_open(
    *,
    region: Region,
    requester: Contact,
    subject: str,
    channel: str,
    account: ChannelAccount | None = None,
    kind: str = RequestKind.INQUIRY,
    topic: Topic | None = None,
    municipality: Municipality | None = None,
    centre: InformationCentre | None = None,
    language: str = "cs",
    follow_up_of: Request | None = None,
    opened_at: dt.datetime | None = None,
    text: str = "",
    default_centre: InformationCentre | None = None,
    recorded_by: StaffUser | None = None,
    recorded: dict[str, str] | None = None,
) -> Request:
    """Create a request and route it: the given centre (a follow-up keeps its centre), else the
    region's routing rules, the channel account's centre, the territory's competent centre
    (`vik.routing.services.routing_decide`); then set its deadlines (`vik.sla`).
    `default_centre`: where the request goes when no rule names a centre (a clerk's own, for
    a request they record), before the account's and the territory's; `recorded_by` and
    `recorded`: the clerk and what their recording keeps, on the "created" timeline event."""
    opened_at = opened_at or clock.now()
    request = Request(
        region=region,
        reference=reference_allocate(region=region, year=opened_at.astimezone(clock.PRAGUE).year),
        subject=subject[:300] or "(bez předmětu)",
        kind=kind,
        topic=topic,
        municipality=municipality,
        requester=requester,
        origin_channel=channel,
        origin_account=account,
        centre=centre,
        language=language,
        follow_up_of=follow_up_of,
        last_activity_at=opened_at,
        created_at=opened_at,
    )
    decision = None
    if centre is None:
        decision = routing_decide(request_routing_facts(request, account, text, default_centre))
        request_routing_apply(request, decision)
    request_deadlines_set(request)
    request.save(force_insert=True)
    events.created(request=request, channel=channel, by=recorded_by, **(recorded or {}))
    if decision is not None:
        request_routed(request=request, decision=decision)
    return request


def request_routing_facts(
    request: Request,
    account: ChannelAccount | None,
    text: str,
    default_centre: InformationCentre | None = None,
) -> RoutingFacts:
    return RoutingFacts(
        region=request.region, topic=request.topic, municipality=request.municipality,
        account=account, channel=request.origin_channel, kind=request.kind,
        language=request.language, subject=request.subject, text=text,
        requester_type=request.requester.requester_type, default_centre=default_centre,
    )  # fmt: skip


def request_routing_apply(request: Request, decision: RoutingDecision) -> None:
    """The parts of a routing decision that are columns of the unsaved request."""
    request.centre = decision.centre
    request.queue = decision.queue
    if decision.priority is not None:
        request.priority = decision.priority
    if decision.assignee is not None:
        request.assignee = decision.assignee
