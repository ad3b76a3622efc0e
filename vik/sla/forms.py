from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vik.routing.models import Queue
from vik.tenancy.models import InformationCentre
from vik.topics.choices import RequestKind

from .durations import working_minutes_input, working_minutes_parse
from .models import SlaPolicy


class WorkingDurationField(forms.Field):
    """Working time typed as people say it ("8 h", "1 den", "2 d 4 h", "90 min"; a bare
    number is hours), stored as working minutes."""

    widget = forms.TextInput

    def __init__(self, *, minimum: int = 0, **kwargs: Any) -> None:
        self.minimum = minimum
        kwargs.setdefault(
            "help_text",
            _("Working time, e.g. 8 h, 1 den (a working day is 8 hours), 2 d 4 h or 30 min."),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return working_minutes_input(value)
        return value

    def to_python(self, value: Any) -> int | None:
        if value in (None, ""):
            return None
        if isinstance(value, int):
            return value
        minutes = working_minutes_parse(str(value))
        if minutes is None:
            raise forms.ValidationError(
                _("Write the time as hours or days, e.g. 8 h, 1 den or 30 min."), code="invalid"
            )
        if minutes < self.minimum:
            raise forms.ValidationError(
                _("At least %(minimum)d min.") % {"minimum": self.minimum}, code="min_value"
            )
        return minutes


class SlaPolicyForm(forms.ModelForm[SlaPolicy]):
    class Meta:
        model = SlaPolicy
        fields = [
            "centre", "kind", "first_response_minutes", "resolution_minutes",
            "warn_before_minutes", "notify_lead", "raise_priority", "escalate_to_queue",
            "is_active",
        ]  # fmt: skip

    first_response_minutes = WorkingDurationField(label=_("First response within"), minimum=1)
    resolution_minutes = WorkingDurationField(label=_("Resolution within"), minimum=1)
    warn_before_minutes = WorkingDurationField(
        label=_("Warn before the deadline"), initial=60, minimum=0
    )

    def __init__(self, *args: Any, centres: QuerySet[InformationCentre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centre_field: Any = self.fields["centre"]
        centre_field.label = _("Information centre")
        centre_field.queryset = centres
        queue_field: Any = self.fields["escalate_to_queue"]
        queue_field.queryset = Queue.objects.filter(centre__in=centres).select_related("centre")
        queue_field.empty_label = pgettext("queue", "none")
        if not self.instance.pk:
            centre_field.empty_label = _("— choose —")
        kind_field: Any = self.fields["kind"]
        kind_field.choices = [("", _("every kind")), *RequestKind.choices]
        if self.instance.pk:
            centre_field.disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        centre: InformationCentre | None = data.get("centre")
        queue: Queue | None = data.get("escalate_to_queue")
        if centre is not None and queue is not None and queue.centre_id != centre.pk:
            self.add_error(
                "escalate_to_queue", _("The escalation queue must belong to the same centre.")
            )
        return data
