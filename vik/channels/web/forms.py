"""The public web form and the follow-up form of the tracking page."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from vik.contacts.choices import IdentityKind
from vik.contacts.identities import InvalidIdentity, normalise
from vik.core.forms import MultipleFileField
from vik.territory.forms import MunicipalityChoiceMixin
from vik.territory.models import Municipality
from vik.topics.models import Topic

from .form_files import KeepsFilesMixin


class ContactChannelsMixin(forms.Form):
    email = forms.CharField(
        label=_("E-mail"), required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )  # fmt: skip
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )  # fmt: skip

    def clean_email(self) -> str:
        raw = self.cleaned_data["email"].strip()
        try:
            return normalise(IdentityKind.EMAIL, raw) if raw else ""
        except InvalidIdentity as error:
            raise forms.ValidationError(
                _("Enter an e-mail address in the form name@example.cz"), code="invalid"
            ) from error

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        try:
            return normalise(IdentityKind.PHONE, raw) if raw else ""
        except InvalidIdentity as error:
            raise forms.ValidationError(
                _("Enter a phone number with 9 digits, e.g. 777 123 456, or with +420"),
                code="invalid",
            ) from error


class RequestForm(MunicipalityChoiceMixin, KeepsFilesMixin, ContactChannelsMixin):
    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Your name"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Write your name, so that we know how to address you")},
    )  # fmt: skip
    municipality = forms.CharField(
        label=_("Municipality your question concerns"),
        max_length=200,
        help_text=_("Start typing and choose from the list, e.g. “Jihlava”."),
        widget=forms.TextInput(
            attrs={
                "list": "municipality-options",
                "autocomplete": "off",
                "data-enter-moves-on": "",  # Enter never sends a half-filled form (portal.js)
            }
        ),
        error_messages={"required": _("Write the municipality your question concerns")},
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.filter(is_active=True).select_related("parent"),
        required=False,
        empty_label=_("— I don't know —"),
    )
    message = forms.CharField(
        label=_("Your question or message"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write what you would like to ask")},
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to 5 files, 10 MB each: documents or pictures."),
    )
    # A field people never see; bots fill it in.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, region_ids: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region_ids = region_ids
        self.municipality_candidates: list[Municipality] = []
        self.fields["topic"].label_from_instance = lambda topic: topic.path  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("submission_id", uuid.uuid4())

    def clean_municipality(self) -> Municipality:
        return self.municipality_from(self.cleaned_data["municipality"])

    def clean_attachments(self) -> list[UploadedFile]:
        return self.attachments_clean(self.cleaned_data["attachments"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not cleaned.get("email")
            and not cleaned.get("phone")
            and not (self.errors.get("email") or self.errors.get("phone"))
        ):
            self.add_error(
                "email",
                forms.ValidationError(
                    _("Give us an e-mail address or a phone number, so that we can answer you"),
                    code="no_contact",
                ),
            )
        return cleaned


class FollowUpForm(KeepsFilesMixin, forms.Form):
    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Your message"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your message")},
    )  # fmt: skip
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_id", uuid.uuid4())

    def clean_attachments(self) -> list[UploadedFile]:
        return self.attachments_clean(self.cleaned_data["attachments"])


class TrackingFindForm(forms.Form):
    """ "Find my request": the reference and the e-mail address the request was sent with."""

    reference = forms.CharField(
        label=_("Reference number"),
        max_length=32,
        help_text=_("It is in the confirmation e-mail, e.g. “VYS-2026-000123”."),
        error_messages={"required": _("Write the reference number of your request")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The address you gave with the request. We send the link there."),
        error_messages={"required": _("Write the e-mail address you gave with the request")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        try:
            return normalise(IdentityKind.EMAIL, self.cleaned_data["email"].strip())
        except InvalidIdentity as error:
            raise forms.ValidationError(
                _("Enter an e-mail address in the form name@example.cz"), code="invalid"
            ) from error

    def error_count(self) -> int:
        return sum(len(errors) for errors in self.errors.values())
