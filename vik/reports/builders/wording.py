"""Numbers, periods and filters in Czech words, as the channel, workload and audit reports
write them in their summaries and on their exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import dateformat, formats
from django.utils.translation import gettext as _

from vik.core.clock import PRAGUE
from vik.tenancy.models import InformationCentre, User

from ..filters import Granularity, ReportFilters, Scope


def number(value: float | int | None, decimals: int = 0) -> str:
    """1 234 or 12,5 (Czech grouping and decimal comma); "–" for no value."""
    if value is None:
        return "–"
    return formats.number_format(round(value, decimals), decimals, force_grouping=True)


def percent(share: float | None) -> str:
    """A share 0..1 as "66,7 %"."""
    if share is None:
        return "–"
    return f"{number(share * 100, 1)}\xa0%"


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def date_text(day: dt.date) -> str:
    return f"{day.day}. {day.month}. {day.year}"


def datetime_text(moment: dt.datetime) -> str:
    return dateformat.format(moment.astimezone(PRAGUE), "j. n. Y H:i")


def period_label(start: dt.date, granularity: Granularity) -> str:
    if granularity == "month":
        return dateformat.format(start, "F Y")
    if granularity == "week":
        return _("week of %(date)s") % {"date": date_text(start)}
    return date_text(start)


def seconds(value: float | None, decimals: int = 0) -> float | None:
    return None if value is None else round(value, decimals)


def minutes_of(value: float | None) -> float | None:
    return None if value is None else round(value / 60, 1)


def centre_names(ids: Iterable[int]) -> dict[int, str]:
    return dict(InformationCentre.objects.filter(pk__in=sorted(set(ids))).values_list("pk", "name"))


def person_names(ids: Iterable[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for pk, username, first, last in User.objects.filter(pk__in=sorted(set(ids))).values_list(
        "pk", "username", "first_name", "last_name"
    ):
        names[pk] = f"{first} {last}".strip() or username
    return names


def filters_description(filters: ReportFilters, scope: Scope) -> list[tuple[str, str]]:
    granularities = {"day": _("by days"), "week": _("by weeks"), "month": _("by months")}
    described = [
        (_("Period"), f"{date_text(filters.date_from)} – {date_text(filters.date_to)}"),
        (_("Breakdown"), str(granularities[filters.granularity])),
    ]
    if scope.label:
        described.append((_("Scope"), scope.label))
    if filters.centre_ids:
        described.append(
            (_("Centres"), ", ".join(sorted(centre_names(filters.centre_ids).values())))
        )
    if filters.agent_ids:
        described.append((_("Staff"), ", ".join(sorted(person_names(filters.agent_ids).values()))))
    return described


def drill_base(filters: ReportFilters, *, dates: bool = True) -> dict[str, str]:
    """The request-list parameters of the filters that apply to requests."""
    base: dict[str, str] = {}
    if dates:
        base["received_from"] = filters.date_from.isoformat()
        base["received_to"] = filters.date_to.isoformat()
    if len(filters.centre_ids) == 1:
        base["centre"] = str(filters.centre_ids[0])
    if len(filters.agent_ids) == 1:
        base["assignee"] = str(filters.agent_ids[0])
    return base


def total_row(rows: list[dict[str, Any]], keys: Iterable[str]) -> dict[str, Any]:
    return {key: sum(row.get(key) or 0 for row in rows) for key in keys}
