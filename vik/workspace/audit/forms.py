"""The audit log page's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import ACTION_LABELS, AuditFilters


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Who (user name)"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("What"), required=False)
    object_type = forms.CharField(
        label=_("Object type"), required=False, max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "conversations.request"}),
    )  # fmt: skip
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    contact = forms.IntegerField(
        label=_("Contact (id)"), required=False, min_value=1,
        widget=forms.NumberInput(attrs={"class": "vik-input"}),
    )  # fmt: skip
    since = forms.DateField(
        label=_("From"), required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "vik-input"}),
    )  # fmt: skip
    until = forms.DateField(
        label=_("To"), required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "vik-input"}),
    )  # fmt: skip
    personal_only = forms.BooleanField(label=_("Personal data only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("anything"))]
        choices += [(action, label) for action, label in ACTION_LABELS.items()]
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = choices

    def filters(self) -> AuditFilters:
        if not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            actor=data["actor"].strip(),
            action=data["action"],
            object_type=data["object_type"].strip(),
            object_id=data["object_id"].strip(),
            contact_id=data["contact"],
            since=data["since"],
            until=data["until"],
            personal_only=bool(data["personal_only"]),
        )
