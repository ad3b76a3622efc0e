"""Reading the visits: a centre's log and the counts per hour of day and weekday."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from vik.channels.core.choices import ChannelKind
from vik.conversations.choices import Direction
from vik.conversations.models import Interaction, Request
from vik.core import clock
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre, User

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

LOG_LIMIT = 200
STATS_WEEKS = 8  # the counts for staffing cover the last eight weeks


def visits_for(user: StaffUser) -> QuerySet[Interaction]:
    """The visits of the requests the user sees: each the first, inbound interaction a clerk
    recorded at the counter."""
    return Interaction.objects.filter(
        channel=ChannelKind.COUNTER,
        direction=Direction.INBOUND,
        request__in=Request.objects.filter(permissions.requests_visible(user)).values("pk"),
    )


def _day_range(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=clock.PRAGUE)
    return start, start + dt.timedelta(days=1)


def visit_log(
    *,
    user: StaffUser,
    day: dt.date | None = None,
    agent: User | None = None,
    centre: InformationCentre | None = None,
) -> list[Interaction]:
    """The visits of one day (Prague time), or the latest ones; of one agent and one centre,
    or all the user sees."""
    visits = visits_for(user)
    if centre is not None:
        visits = visits.filter(request__centre=centre)
    if day is not None:
        start, end = _day_range(day)
        visits = visits.filter(occurred_at__gte=start, occurred_at__lt=end)
    if agent is not None:
        visits = visits.filter(author=agent)
    return list(
        visits.select_related(
            "author", "contact", "request", "request__topic", "request__centre"
        ).order_by("-occurred_at", "-pk")[:LOG_LIMIT]
    )


def visit_agents(user: StaffUser) -> QuerySet[User]:
    """The clerks who recorded visits the user sees (the log's agent filter)."""
    return User.objects.filter(
        pk__in=visits_for(user).exclude(author=None).values("author_id")
    ).order_by("last_name", "first_name", "username")


@dataclass(frozen=True)
class VisitCounts:
    since: dt.date
    until: dt.date
    by_hour: list[tuple[int, int]]  # (hour 0-23, visits), every hour of the day
    by_weekday: list[tuple[int, int]]  # (ISO weekday 1 = Monday, visits)
    total: int

    @property
    def busiest(self) -> int:
        return max([count for _h, count in self.by_hour] + [1])

    @property
    def busiest_day(self) -> int:
        return max([count for _d, count in self.by_weekday] + [1])


def visit_counts(
    *,
    user: StaffUser,
    agent: User | None = None,
    centre: InformationCentre | None = None,
    weeks: int = STATS_WEEKS,
) -> VisitCounts:
    """Visits per hour of day and per weekday (Prague time) over the last `weeks` weeks up to
    today, for staffing the counter."""
    today = clock.now().astimezone(clock.PRAGUE).date()
    since = today - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)
    visits = visits_for(user).filter(occurred_at__gte=_day_range(since)[0],
                                     occurred_at__lt=_day_range(today)[1])  # fmt: skip
    if agent is not None:
        visits = visits.filter(author=agent)
    if centre is not None:
        visits = visits.filter(request__centre=centre)
    hours = dict(
        visits.annotate(hour=ExtractHour("occurred_at", tzinfo=clock.PRAGUE))
        .values("hour")
        .annotate(n=Count("pk"))
        .values_list("hour", "n")
    )
    days = dict(
        visits.annotate(weekday=ExtractIsoWeekDay("occurred_at", tzinfo=clock.PRAGUE))
        .values("weekday")
        .annotate(n=Count("pk"))
        .values_list("weekday", "n")
    )
    return VisitCounts(
        since=since,
        until=today,
        by_hour=[(hour, hours.get(hour, 0)) for hour in range(24)],
        by_weekday=[(day, days.get(day, 0)) for day in range(1, 8)],
        total=sum(hours.values()),
    )
