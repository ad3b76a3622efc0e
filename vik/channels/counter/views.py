"""The counter's pages: the walk-in form (the new-request form with the counter preset) and the
centre's visit log with the counts for staffing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vik.channels.core.choices import ChannelKind
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.models import InformationCentre, User

from . import selectors

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest

WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
            _("Saturday"), _("Sunday")]  # fmt: skip


class VisitFilterForm(forms.Form):
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    agent = forms.ModelChoiceField(
        label=_("Agent"), required=False, queryset=User.objects.none(), empty_label=_("all")
    )
    centre = forms.ModelChoiceField(
        label=_("Centre"), required=False, queryset=InformationCentre.objects.none(),
        empty_label=_("all"),
    )  # fmt: skip


@staff_member_required
def visit_new(request: StaffRequest) -> HttpResponse:
    """A walk-in: the new-request form with the counter preset."""
    return redirect(f"{reverse('staff:request_new')}?channel={ChannelKind.COUNTER}")


@staff_member_required
def visit_list(request: StaffRequest) -> HttpResponse:
    if not permissions.can_record_any_request(request.user):
        raise Http404
    form = VisitFilterForm(request.GET or None)
    agents = selectors.visit_agents(request.user)
    form.fields["agent"].queryset = agents  # type: ignore[attr-defined]
    form.fields["agent"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]
    centres = InformationCentre.objects.filter(permissions.centres_recording(request.user))
    form.fields["centre"].queryset = centres.order_by("name")  # type: ignore[attr-defined]
    if centres.count() < 2:
        del form.fields["centre"]  # an agent of one centre: their centre's log
    day = agent = centre = None
    if form.is_valid():
        day, agent = form.cleaned_data["day"], form.cleaned_data["agent"]
        centre = form.cleaned_data.get("centre")
    counts = selectors.visit_counts(user=request.user, agent=agent, centre=centre)
    return render(
        request,
        "counter/visit_list.html",
        {
            "form": form,
            "visits": selectors.visit_log(user=request.user, day=day, agent=agent, centre=centre),
            "day": day,
            "counts": counts,
            "weekdays": [
                (WEEKDAYS[day_number - 1], count, round(100 * count / counts.busiest_day))
                for day_number, count in counts.by_weekday
            ],
            "hours": [
                (hour, count, round(100 * count / counts.busiest))
                for hour, count in counts.by_hour
                if 6 <= hour <= 19 or count
            ],
        },
    )
