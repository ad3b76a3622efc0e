"""The routing rule editor, the queue page and the absence toggle."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.contacts.choices import RequesterType
from vik.tenancy import permissions
from vik.tenancy.choices import AssignmentPolicy, Role
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Municipality, Orp, Region
from vik.topics.choices import Priority, RequestKind
from vik.topics.models import Topic

from .models import Queue, RoutingRule
from .services import rule_validate


def _split(text: str, *, lines: bool = False) -> list[str]:
    separators = text.splitlines() if lines else text.replace("\n", ",").split(",")
    return [part.strip() for part in separators if part.strip()]


def municipality_label(municipality: Municipality) -> str:
    return f"{municipality.name} ({municipality.district_name})"


def _topic_tree() -> list[tuple[str, str]]:
    """Every topic, each parent followed by its subtopics ("Parent › Child")."""
    topics = list(Topic.objects.select_related("parent").order_by("position", "name_cs"))
    children: dict[int | None, list[Topic]] = {}
    for item in topics:
        children.setdefault(item.parent_id, []).append(item)
    return [
        (str(t.pk), t.path)
        for parent in children.get(None, [])
        for t in (parent, *children.get(parent.pk, []))
    ]


class RuleForm(forms.Form):
    """One rule: its name, conditions (every filled-in one must hold) and actions."""

    name = forms.CharField(label=_("Name"), max_length=200)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    stops = forms.BooleanField(
        label=_("Stop after this rule"),
        required=False,
        initial=True,
        help_text=_("Unticked: later rules may still add tags and fill what this one left unset."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        required=False,
        help_text=_("A topic also matches its subtopics."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    orps = forms.MultipleChoiceField(
        label=_("ORPs"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    # Chosen with a type-ahead picker (routing/_municipality_picker.html), not a 704-row list.
    municipalities = forms.MultipleChoiceField(
        label=_("Municipalities"), required=False, widget=forms.MultipleHiddenInput
    )
    accounts = forms.MultipleChoiceField(
        label=_("Channel accounts"), required=False, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        required=False,
        choices=ChannelKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    kinds = forms.MultipleChoiceField(
        label=_("Request kinds"),
        required=False,
        choices=RequestKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    requester_types = forms.MultipleChoiceField(
        label=_("Requester types"),
        required=False,
        choices=RequesterType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("Language codes separated by commas, e.g. en, de, uk."),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One word or phrase per line, found in the subject or text regardless of case and "
            "diacritics, at the start of a word: write the stem (“stížnost” finds “stížnosti”)."
        ),
    )
    centre = forms.TypedChoiceField(label=_("Centre"), required=False, coerce=int, empty_value=None)
    queue = forms.TypedChoiceField(
        label=_("Queue"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("A queue of the chosen centre; without a centre it also decides the centre."),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *Priority.choices],
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
    assignee = forms.TypedChoiceField(
        label=_("Assign to"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Skipped when the person is absent or does not work for the decided centre."),
    )
    policy = forms.ChoiceField(
        label=_("Assignment policy"),
        required=False,
        choices=[("", _("the centre's own")), *AssignmentPolicy.choices],
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region = region
        self.conditions: dict[str, Any] = {}
        self.actions: dict[str, Any] = {}
        fields: dict[str, Any] = self.fields
        fields["topics"].choices = _topic_tree()
        fields["orps"].choices = list(
            Orp.objects.filter(region=region).order_by("name").values_list("code", "name")
        )
        fields["municipalities"].choices = [
            (m.code, municipality_label(m))
            for m in Municipality.objects.filter(region=region, is_active=True).order_by(
                "name", "district_name"
            )
        ]
        fields["accounts"].choices = [
            (str(a.pk), str(a)) for a in ChannelAccount.objects.filter(region=region)
        ]
        centres = list(InformationCentre.objects.filter(region=region, is_active=True))
        fields["centre"].choices = [("", "—"), *((c.pk, c.name) for c in centres)]
        fields["queue"].choices = [
            ("", "—"),
            *(
                (q.pk, str(q))
                for q in Queue.objects.filter(centre__in=centres).select_related("centre")
            ),
        ]
        fields["assignee"].choices = [
            ("", "—"),
            *(
                (u.pk, u.display_name)
                for u in User.objects.filter(is_active=True)
                .filter(
                    Q(memberships__centre__in=centres, memberships__role__in=[Role.AGENT,
                                                                              Role.CENTRE_LEAD])
                    | Q(memberships__region=region, memberships__centre__isnull=True,
                        memberships__role__in=sorted(permissions.WORKING_REGION_ROLES))
                )
                .distinct()
                .order_by("last_name", "first_name", "username")
            ),
        ]  # fmt: skip

    def municipalities_chosen(self) -> list[tuple[str, str]]:
        """The municipalities the rule names now (as posted, else as saved), with their
        labels, for the picker's list of ticked boxes."""
        field = self["municipalities"]
        wanted = field.value() or []
        labels = dict(self.fields["municipalities"].choices)  # type: ignore[attr-defined]
        seen: dict[str, str] = {}
        for code in wanted:
            if code in labels:
                seen.setdefault(code, str(labels[code]))
        return list(seen.items())

    def name_optional(self) -> None:
        """Testing a rule or finding a municipality needs no name (only saving does); the field
        still shows as required, since saving will want it."""
        self.is_name_optional = True

    @classmethod
    def initial_for(cls, rule: RoutingRule) -> dict[str, Any]:
        conditions, actions = rule.conditions or {}, rule.actions or {}
        return {
            "name": rule.name, "is_active": rule.is_active, "stops": rule.stops,
            "topics": [str(v) for v in conditions.get("topics", [])],
            "orps": conditions.get("orps", []),
            "municipalities": conditions.get("municipalities", []),
            "accounts": [str(v) for v in conditions.get("accounts", [])],
            "channels": conditions.get("channels", []),
            "kinds": conditions.get("kinds", []),
            "requester_types": conditions.get("requester_types", []),
            "languages": ", ".join(conditions.get("languages", [])),
            "keywords": "\n".join(conditions.get("keywords", [])),
            "centre": actions.get("centre"), "queue": actions.get("queue"),
            "priority": actions.get("priority"), "tags": ", ".join(actions.get("tags", [])),
            "assignee": actions.get("assignee"), "policy": actions.get("policy", ""),
        }  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if getattr(self, "is_name_optional", False) and not self.data.get("name", "").strip():
            self.errors.pop("name", None)
        conditions = {
            "topics": [int(v) for v in data.get("topics") or []],
            "orps": data.get("orps") or [],
            "municipalities": data.get("municipalities") or [],
            "accounts": [int(v) for v in data.get("accounts") or []],
            "channels": data.get("channels") or [],
            "kinds": data.get("kinds") or [],
            "requester_types": data.get("requester_types") or [],
            "languages": _split(data.get("languages") or ""),
            "keywords": _split(data.get("keywords") or "", lines=True),
        }
        actions = {
            "centre": data.get("centre"),
            "queue": data.get("queue"),
            "priority": data.get("priority"),
            "tags": _split(data.get("tags") or ""),
            "assignee": data.get("assignee"),
            "policy": data.get("policy") or "",
        }
        try:
            self.conditions, self.actions = rule_validate(
                region_id=self.region.pk,
                conditions={k: v for k, v in conditions.items() if v},
                actions={k: v for k, v in actions.items() if v},
            )
        except ValidationError as error:
            for message in error.messages:
                self.add_error(None, message)
        return data

    def unsaved_rule(self) -> RoutingRule:
        """The rule as edited, for the preview (never saved)."""
        return RoutingRule(
            region=self.region,
            name=self.cleaned_data.get("name") or "",
            conditions=self.conditions,
            actions=self.actions,
            stops=True,
            is_active=True,
        )


class QueueForm(forms.Form):
    centre = forms.TypedChoiceField(label=_("Centre"), coerce=int)
    name = forms.CharField(label=_("Name of the new queue"), max_length=120)

    def __init__(self, *args: Any, centres: list[InformationCentre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [(c.pk, c.name) for c in centres]  # type: ignore[attr-defined]


class PolicyForm(forms.Form):
    policy = forms.ChoiceField(
        label=_("Assignment of new requests"), choices=AssignmentPolicy.choices
    )
