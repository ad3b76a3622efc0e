from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vik.routing.models import Queue
from vik.tenancy.models import InformationCentre
from vik.topics.choices import RequestKind

from .models import SlaPolicy


class SlaPolicyForm(forms.ModelForm[SlaPolicy]):
    class Meta:
        model = SlaPolicy
        fields = [
            "centre", "kind", "first_response_minutes", "resolution_minutes",
            "warn_before_minutes", "notify_lead", "raise_priority", "escalate_to_queue",
            "is_active",
        ]  # fmt: skip

    def __init__(self, *args: Any, centres: QuerySet[InformationCentre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centre_field: Any = self.fields["centre"]
        centre_field.queryset = centres
        queue_field: Any = self.fields["escalate_to_queue"]
        queue_field.queryset = Queue.objects.filter(centre__in=centres).select_related("centre")
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
