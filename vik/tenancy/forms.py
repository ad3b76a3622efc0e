"""A region's portal identity as its coordinator edits it on a staff page (`views.staff
.portal_identity_edit`): the name, logo and colour of the portal's header, the body's contacts
and the texts the law requires."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .logos import validate_logo
from .models import PortalIdentity


class PortalIdentityForm(forms.ModelForm[PortalIdentity]):
    # A plain file input: the page shows it in the portal's Czech file chooser, and the logo
    # kept is removed with its own checkbox (not Django's English "Clear").
    logo = forms.FileField(
        label=_("logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".png,.svg,image/png,image/svg+xml"}),
        help_text=_("SVG or PNG, shown at 3 rem height on the coloured header."),
    )
    logo_remove = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = PortalIdentity
        fields = [
            "name", "colour", "logo", "address", "ico", "web", "contact_email", "contact_phone",
            "data_protection_officer", "accessibility_statement", "accessibility_prepared_on",
            "privacy_notice",
        ]  # fmt: skip
        widgets = {
            "colour": forms.RadioSelect,
            "accessibility_statement": forms.Textarea(attrs={"rows": 6}),
            "privacy_notice": forms.Textarea(attrs={"rows": 6}),
            "accessibility_prepared_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.logo:
            del self.fields["logo_remove"]

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if not logo:
            return self.instance.logo  # none chosen: the logo kept
        validate_logo(logo)
        return logo

    def save(self, commit: bool = True) -> PortalIdentity:
        identity = super().save(commit=False)
        if self.cleaned_data.get("logo_remove") and "logo" not in self.files:
            identity.logo = None
        if commit:
            identity.save()
        return identity
