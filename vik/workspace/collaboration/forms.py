"""The form of a macro (canned answer)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vik.conversations.choices import Status
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region

from ..choices import MacroScope
from ..models import Macro


class MacroForm(forms.ModelForm):  # type: ignore[type-arg]
    """A macro; `where` is "region:<id>" or "centre:<id>" from the places the user manages."""

    where = forms.ChoiceField(label=_("Offered on"))
    set_status = forms.ChoiceField(label=_("Then set status"), required=False)
    tags = forms.CharField(
        label=_("Add tags"),
        required=False,
        help_text=_("Separated by commas."),
        max_length=500,
    )

    class Meta:
        model = Macro
        fields = ["name", "body", "is_active", "position"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: Any, where_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["where"].choices = where_choices  # type: ignore[attr-defined]
        self.fields["set_status"].choices = [  # type: ignore[attr-defined]
            ("", _("keep")),
            *[(s, Status(s).label) for s in Status.values if s != Status.NEW],
        ]
        macro = self.instance
        if macro.pk:
            self.initial["where"] = (
                f"centre:{macro.centre_id}" if macro.centre_id else f"region:{macro.region_id}"
            )
            self.initial["set_status"] = macro.set_status
            self.initial["tags"] = ", ".join(macro.add_tags)
        self.fields["body"].help_text = _(
            "Placeholders: {osloveni} the greeting (“Dobrý den, pane Nováku,”, or “Dobrý den,” "
            "where the name does not tell), {jmeno} the requester's name, {cislo} the "
            "request's reference, {odkaz} the tracking link, {centrum} the centre, {hodiny} its "
            "opening hours, {pracovnik} your name. The English names ({name}, {reference}, "
            "{tracking_url}, {centre}, {opening_hours}, {agent}) work too."
        )
        self.order_fields(["name", "where", "body", "set_status", "tags", "position", "is_active"])

    def clean_where(self) -> str:
        value: str = self.cleaned_data["where"]
        kind, _sep, pk = value.partition(":")
        if kind == MacroScope.CENTRE:
            centre = InformationCentre.objects.filter(pk=pk).first()
            if centre is None:
                raise forms.ValidationError(_("Unknown centre."))
            self.instance.scope, self.instance.centre = MacroScope.CENTRE, centre
            self.instance.region_id = centre.region_id
        else:
            region = Region.objects.filter(pk=pk).first()
            if region is None:
                raise forms.ValidationError(_("Unknown region."))
            self.instance.scope, self.instance.centre = MacroScope.REGION, None
            self.instance.region = region
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.instance.set_status = data.get("set_status") or ""
        self.instance.add_tags = [t.strip() for t in (data.get("tags") or "").split(",")]
        return data
