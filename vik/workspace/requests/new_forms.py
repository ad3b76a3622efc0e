"""The form of a request a clerk records (`/staff/requests/new/`) and of its receipt."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vik.channels.core.base import InboundAttachment
from vik.channels.core.choices import ChannelKind
from vik.contacts.choices import IdentityKind
from vik.contacts.identities import InvalidIdentity, normalise
from vik.contacts.models import Contact
from vik.conversations.choices import RequestKind
from vik.core import clock
from vik.core.filetypes import ALLOWED_SHOWN, HEAD_BYTES, is_refused_type, shortened_name
from vik.core.forms import MultipleFileField
from vik.tenancy.models import InformationCentre
from vik.territory.forms import MunicipalityChoiceMixin
from vik.territory.models import Municipality
from vik.topics.models import Topic

CHANNEL_CHOICES = [
    (ChannelKind.PHONE, _("phone")),
    (ChannelKind.COUNTER, _("counter (visit)")),
    (ChannelKind.LETTER, _("letter")),
    (ChannelKind.INTERNAL, _("own initiative")),
]
# Channels where the person may stay anonymous (a visit, the clerk's own initiative).
ANONYMOUS_CHANNELS = {ChannelKind.COUNTER, ChannelKind.INTERNAL}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _identity(kind: str, raw: str) -> str:
    raw = raw.strip()
    try:
        return normalise(kind, raw) if raw else ""
    except InvalidIdentity as error:
        raise forms.ValidationError(str(error)) from error


class RecordRequestForm(MunicipalityChoiceMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNEL_CHOICES)
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=InformationCentre.objects.none(), empty_label=None
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        help_text=_("The statutory deadline of an information request runs from this time."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), required=False, max_length=200)
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    email = forms.CharField(
        label=_("E-mail"), required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
    municipality = forms.CharField(
        label=_("Municipality"), required=False, max_length=200,
        help_text=_("Start typing and choose from the list, e.g. “Jihlava”."),
        widget=forms.TextInput(attrs={"list": "municipality-options", "autocomplete": "off"}),
    )  # fmt: skip
    topic = forms.ModelChoiceField(
        label=_("Topic"), required=False, empty_label=_("— not chosen —"),
        queryset=Topic.objects.filter(is_active=True).select_related("parent"),
    )  # fmt: skip
    kind = forms.ChoiceField(label=_("Kind"), choices=RequestKind.choices)
    subject = forms.CharField(label=_("Subject"), required=False, max_length=300)
    text = forms.CharField(
        label=_("Question or note"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachments = MultipleFileField(
        label=_("Attachments"), required=False,
        help_text=_("A scanned letter or other documents: up to 5 files, 10 MB each."),
    )  # fmt: skip
    answer = forms.CharField(
        label=_("Answered on the spot"), required=False, max_length=20_000,
        help_text=_("The answer you gave: the request is resolved at once."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    call = forms.CharField(required=False, max_length=128, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        centres: QuerySet[InformationCentre],
        contacts: QuerySet[Contact],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
        self.fields["topic"].label_from_instance = lambda topic: topic.path  # type: ignore[attr-defined]
        self.contacts = contacts
        self.region_ids = sorted({c.region_id for c in centres})
        self.chosen_contact: Contact | None = None
        self.municipality_candidates: list[Municipality] = []
        if not self.is_bound:  # keyboard first: the form starts in its first field
            self.fields["channel"].widget.attrs["autofocus"] = True
            now = timezone.localtime(clock.now(), clock.PRAGUE)
            self.initial.setdefault("received_at", now.replace(second=0, microsecond=0))
            self.initial.setdefault("kind", RequestKind.INQUIRY)
            first = centres.first()
            if first is not None:
                self.initial.setdefault("centre", first.pk)

    def clean_received_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["received_at"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value, clock.PRAGUE)
        if value > clock.now() + dt.timedelta(minutes=1):
            raise forms.ValidationError(_("The time of receipt cannot be in the future."))
        return value

    def clean_phone(self) -> str:
        return _identity(IdentityKind.PHONE, self.cleaned_data["phone"])

    def clean_email(self) -> str:
        return _identity(IdentityKind.EMAIL, self.cleaned_data["email"])

    def clean_contact(self) -> int | None:
        pk = self.cleaned_data["contact"]
        if pk:
            self.chosen_contact = self.contacts.filter(pk=pk, merged_into__isnull=True).first()
            if self.chosen_contact is None:
                raise forms.ValidationError(_("This contact cannot be chosen."))
        return pk  # type: ignore[no-any-return]

    def clean_municipality(self) -> Municipality | None:
        text = self.cleaned_data["municipality"].strip()
        return self.municipality_from(text) if text else None

    def clean_attachments(self) -> list[InboundAttachment]:
        return uploads_as_attachments(self.cleaned_data["attachments"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        channel = cleaned.get("channel")
        has_contact = bool(
            self.chosen_contact
            or cleaned.get("name", "").strip()
            or cleaned.get("phone")
            or cleaned.get("email")
            or self.errors.get("phone")
            or self.errors.get("email")
        )
        if channel and channel not in ANONYMOUS_CHANNELS and not has_contact:
            self.add_error(
                "name",
                _("Choose a contact or give a name, a phone number or an e-mail address."),
            )
        if channel == ChannelKind.COUNTER and not has_contact and not cleaned.get("topic"):
            self.add_error("topic", _("An anonymous visit needs its topic."))
        return cleaned


class ReceiptSendForm(forms.Form):
    via = forms.ChoiceField(
        choices=[(ChannelKind.EMAIL, _("e-mail")), (ChannelKind.SMS, _("SMS"))],
        widget=forms.HiddenInput,
    )
    recipient = forms.CharField(label=_("Send to"), max_length=254)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        via, raw = cleaned.get("via"), cleaned.get("recipient", "")
        if via and raw:
            kind = IdentityKind.EMAIL if via == ChannelKind.EMAIL else IdentityKind.PHONE
            try:
                cleaned["recipient"] = _identity(kind, raw)
            except forms.ValidationError as error:
                self.add_error("recipient", error)
        return cleaned


def uploads_as_attachments(uploads: list[UploadedFile]) -> list[InboundAttachment]:
    """Uploaded files as the channels store them (a recorded request's, a reply's); refused by
    size, count and type as the portal refuses them (`vik.core.filetypes`)."""
    limit = settings.VIK_ATTACHMENT_MAX_COUNT
    if len(uploads) > limit:
        raise forms.ValidationError(_("You can attach at most %(count)d files.") % {"count": limit})
    problems: list[str] = []
    files: list[InboundAttachment] = []
    for upload in uploads:
        name = shortened_name(upload.name or "") or "příloha"
        if upload.size and upload.size > settings.VIK_ATTACHMENT_MAX_BYTES:
            problems.append(
                _("The file “%(name)s” has %(size)s; the limit is %(limit)s per file.")
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.VIK_ATTACHMENT_MAX_BYTES),
                }
            )
            continue
        content = upload.read()
        if is_refused_type(name, content[:HEAD_BYTES]):
            problems.append(
                _("The file “%(name)s” is not allowed. Attach documents or pictures "
                  "(%(types)s).") % {"name": name, "types": ALLOWED_SHOWN}
            )  # fmt: skip
            continue
        files.append(
            InboundAttachment(
                filename=name,
                content_type=upload.content_type or "application/octet-stream",
                content=content,
            )
        )
    if problems:
        raise forms.ValidationError(problems)
    return files
