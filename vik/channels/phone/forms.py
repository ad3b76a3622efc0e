from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vik.contacts.identities import InvalidIdentity, normalise_phone
from vik.core.forms import ErrorSummaryMixin
from vik.territory.models import Region
from vik.topics.models import Topic


class CallBackForm(ErrorSummaryMixin, forms.Form):
    """The portal's "call me back"."""

    number = forms.CharField(
        label=_("Your phone number"),
        max_length=32,
        error_messages={"required": _("Write the number we should call you on")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    preferred_time = forms.CharField(
        label=_("When may we call you?"),
        max_length=100,
        required=False,
        help_text=_("For example: weekdays after 2 pm."),
    )
    topic = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=Topic.objects.filter(is_active=True, parent__isnull=True).order_by("position"),
        required=False,
        empty_label=_("— I don't know —"),
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), empty_label=_("— choose —")
    )
    website = forms.CharField(required=False, label="Website")  # the honeypot

    def __init__(self, *args: Any, regions: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.queryset = Region.objects.filter(pk__in=[r.pk for r in regions])
        if len(regions) == 1:
            region_field.initial = regions[0].pk
            region_field.widget = forms.HiddenInput()

    def clean_number(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["number"])
        except InvalidIdentity as error:
            raise forms.ValidationError(str(error)) from error


class CallRecordForm(forms.Form):
    request = forms.ChoiceField(label=_("Request"))
    summary = forms.CharField(
        label=_("Summary of the call"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request_field = self.fields["request"]
        assert isinstance(request_field, forms.ChoiceField)
        request_field.choices = choices
