"""The reports' filter form (from the query string) and the scheduled report form.

The form offers only what the reader's `ReportAccess` reaches: the centres of their scope, the
ORPs and municipalities of the region, the agents of those centres (not to an agent, who sees
their own work). A value outside it is an invalid choice: the report then shows the default
filters rather than anything beyond the scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vik.channels.core.choices import ChannelKind
from vik.conversations.choices import RequestKind
from vik.core import clock
from vik.tenancy.choices import Role
from vik.tenancy.models import InformationCentre, User
from vik.tenancy.permissions import ReportAccess
from vik.territory.models import Municipality, Orp, Region
from vik.topics.models import Topic

from .filters import Granularity, ReportFilters, Scope
from .models import ScheduleFormat, ScheduleFrequency

PRESETS = [
    ("this_month", _("this month")),
    ("last_week", _("last week")),
    ("last_month", _("last month")),
    ("last_12_months", _("last 12 months")),
    ("this_year", _("this year")),
    ("last_year", _("last year")),
    ("custom", _("chosen dates")),
]
DEFAULT_PRESET = "last_month"
GRANULARITIES = [("day", _("by day")), ("week", _("by week")), ("month", _("by month"))]


def _month_start(day: dt.date, months_back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def preset_period(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day (inclusive, Prague) of a preset period, as of `today`."""
    if preset == "this_month":
        return _month_start(today), today
    if preset == "last_week":
        monday = today - dt.timedelta(days=today.weekday() + 7)
        return monday, monday + dt.timedelta(days=6)
    if preset == "last_12_months":
        return _month_start(today, 11), today
    if preset == "this_year":
        return dt.date(today.year, 1, 1), today
    if preset == "last_year":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    start = _month_start(today, 1)
    return start, _month_start(today) - dt.timedelta(days=1)


def preset_granularity(preset: str) -> Granularity:
    return "day" if preset in {"this_month", "last_month", "last_week"} else "month"


class ReportFilterForm(forms.Form):
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int, empty_value=None)
    preset = forms.ChoiceField(label=_("Period"), required=False, choices=PRESETS)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    granularity = forms.ChoiceField(
        label=_("Granularity"), required=False, choices=[("", _("automatic")), *GRANULARITIES]
    )
    centre = forms.TypedChoiceField(label=_("Centre"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("all")), *ChannelKind.choices]
    )
    topic = forms.TypedChoiceField(label=_("Topic"), required=False, coerce=int, empty_value=None)
    orp = forms.TypedChoiceField(
        label=_("ORP (municipality with extended powers)"), required=False, coerce=int,
        empty_value=None,
    )  # fmt: skip
    municipality = forms.TypedChoiceField(
        label=_("Municipality"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all")), *RequestKind.choices]
    )
    agent = forms.TypedChoiceField(label=_("Agent"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, access: ReportAccess, regions: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        everyone = [("", _("all"))]
        if len(regions) > 1:
            self.fields["region"].choices = [  # type: ignore[attr-defined]
                (r.pk, r.name) for r in Region.objects.filter(pk__in=regions).order_by("name")
            ]
        else:
            del self.fields["region"]
        centres = InformationCentre.objects.filter(region_id=access.region_id, is_active=True)
        if access.centre_ids is not None:
            centres = centres.filter(pk__in=sorted(access.centre_ids))
        centre_list = list(centres.order_by("name").only("pk", "name"))
        self.fields["centre"].choices = [*everyone, *((c.pk, c.name) for c in centre_list)]  # type: ignore[attr-defined]
        topics = Topic.objects.filter(is_active=True).select_related("parent")
        self.fields["topic"].choices = [  # type: ignore[attr-defined]
            *everyone,
            *(
                (t.pk, f"{t.parent.name} › {t.name}" if t.parent else t.name)
                for t in sorted(
                    topics,
                    key=lambda t: (
                        t.parent.name if t.parent else t.name,
                        t.parent is not None,
                        t.name,
                    ),
                )
            ),
        ]
        orps = Orp.objects.filter(region_id=access.region_id).order_by("name")
        orp_names = {orp.pk: orp.name for orp in orps}
        self.fields["orp"].choices = [*everyone, *orp_names.items()]  # type: ignore[attr-defined]
        # ~700 municipalities of a region: grouped by ORP, a browser's select jumps to a typed name.
        grouped: dict[int, list[tuple[int, str]]] = {}
        for pk, name, orp_id in (
            Municipality.objects.filter(region_id=access.region_id, is_active=True)
            .order_by("name")
            .values_list("pk", "name", "orp_id")
        ):
            grouped.setdefault(orp_id, []).append((pk, name))
        self.fields["municipality"].choices = [  # type: ignore[attr-defined]
            *everyone,
            *((orp_names.get(orp_id, ""), items) for orp_id, items in grouped.items()),
        ]
        if access.is_own_work:
            del self.fields["agent"]
        else:
            agents = (
                User.objects.filter(
                    is_active=True,
                    memberships__role__in=[Role.AGENT, Role.CENTRE_LEAD],
                    memberships__centre_id__in=[c.pk for c in centre_list],
                )
                .distinct()
                .order_by("last_name", "first_name", "username")
            )
            self.fields["agent"].choices = [*everyone, *((u.pk, u.display_name) for u in agents)]  # type: ignore[attr-defined]

    MAIN_FIELDS = ("region", "preset", "centre", "channel")

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN_FIELDS if name in self.fields]

    @property
    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.MAIN_FIELDS]

    @property
    def more_chosen(self) -> bool:
        """Whether a filter behind "More filters" is set (the box then stays open)."""
        return any(self.data.get(field.name) for field in self.more_fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The period's start is after its end."))
        if start and end and (end - start).days > 3 * 366:
            raise forms.ValidationError(_("A report covers at most three years."))
        return data

    def period(self) -> tuple[str, dt.date, dt.date]:
        """The preset and its days; chosen dates win over a preset."""
        data = self.cleaned_data if self.is_valid() else {}
        today = clock.today()
        if data.get("date_from") or data.get("date_to"):
            start = data.get("date_from") or preset_period(DEFAULT_PRESET, today)[0]
            end = data.get("date_to") or today
            return "custom", start, end
        preset = data.get("preset") or DEFAULT_PRESET
        if preset == "custom":
            preset = DEFAULT_PRESET
        return (preset, *preset_period(preset, today))

    def report_filters(self) -> ReportFilters:
        data = self.cleaned_data if self.is_valid() else {}
        preset, start, end = self.period()
        granularity = data.get("granularity") or (
            preset_granularity(preset) if preset != "custom" else _auto_granularity(start, end)
        )

        def one(name: str) -> tuple[Any, ...]:
            value = data.get(name)
            return (value,) if value not in (None, "") else ()

        return ReportFilters(
            date_from=start,
            date_to=end,
            granularity=granularity,
            centre_ids=one("centre"),
            channels=one("channel"),
            topic_ids=one("topic"),
            municipality_ids=one("municipality"),
            orp_ids=one("orp"),
            kinds=one("kind"),
            agent_ids=one("agent"),
        )

    def described(self) -> list[tuple[str, str]]:
        """The chosen filters in words (label, value), for the page and every export."""
        data = self.cleaned_data if self.is_valid() else {}
        _preset, start, end = self.period()
        items = [(str(_("Period")), f"{start:%-d. %-m. %Y} – {end:%-d. %-m. %Y}")]
        for name in ("centre", "channel", "topic", "orp", "municipality", "kind", "agent"):
            if name not in self.fields or data.get(name) in (None, ""):
                continue
            field = self.fields[name]
            value = str(data[name])
            labels = dict(_flat_choices(field.choices))  # type: ignore[attr-defined]
            items.append((str(field.label), str(labels.get(value, value))))
        return items


def _flat_choices(choices: Any) -> list[tuple[str, Any]]:
    flat: list[tuple[str, Any]] = []
    for key, label in choices:
        if isinstance(label, list | tuple):
            flat.extend((str(k), v) for k, v in label)
        else:
            flat.append((str(key), label))
    return flat


def _auto_granularity(start: dt.date, end: dt.date) -> Granularity:
    days = (end - start).days
    return "day" if days <= 62 else "week" if days <= 180 else "month"


def report_scope(access: ReportAccess, *, label: str) -> Scope:
    return Scope(
        region_id=access.region_id,
        centre_ids=access.centre_ids,
        agent_id=access.agent_id,
        label=label,
        sees_data_access=access.sees_data_access_counts,
    )


def scope_label(access: ReportAccess, user: User) -> str:
    if access.agent_id is not None:
        return user.display_name
    if access.centre_ids is not None:
        names = InformationCentre.objects.filter(pk__in=sorted(access.centre_ids)).order_by("name")
        return ", ".join(names.values_list("name", flat=True))
    region = Region.objects.filter(pk=access.region_id).first()
    return region.name if region else ""


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often"), choices=ScheduleFrequency.choices, initial=ScheduleFrequency.MONTHLY
    )
    file_format = forms.ChoiceField(
        label=_("Format"), choices=ScheduleFormat.choices, initial=ScheduleFormat.PDF
    )
    to_centre_leads = forms.BooleanField(
        label=_("Also to each centre lead (their own centre's report)"), required=False
    )

    def __init__(self, *args: Any, can_send_to_leads: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_send_to_leads:
            del self.fields["to_centre_leads"]
