from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vik.channels.choices import ChannelKind
from vik.tenancy.models import InformationCentre
from vik.topics.models import Topic

from .choices import Status
from .states import allowed_next


class RequestFilterForm(forms.Form):
    text = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all")), ("active", _("not resolved")), *Status.choices],
    )
    centre = forms.ModelChoiceField(
        label=_("Centre"), required=False, queryset=InformationCentre.objects.none(),
        empty_label=_("all"),
    )  # fmt: skip
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("all")), *ChannelKind.choices]
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), required=False, queryset=Topic.objects.filter(parent__isnull=True),
        empty_label=_("all"),
    )  # fmt: skip
    assignee = forms.ChoiceField(
        label=_("Assignee"),
        required=False,
        choices=[("", _("anyone")), ("me", _("me")), ("none", _("unassigned"))],
    )

    def __init__(self, *args: Any, centres: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if centres is not None:
            self.fields["centre"].queryset = centres  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the citizen"), widget=forms.Textarea(attrs={"rows": 6})
    )
    status = forms.ChoiceField(label=_("Then set status"), required=False)

    def __init__(self, *args: Any, current_status: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("keep")),
            *[(s, Status(s).label) for s in Status.values if s in allowed_next(current_status)],
        ]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"))

    def __init__(self, *args: Any, current_status: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (s, Status(s).label) for s in Status.values if s in allowed_next(current_status)
        ]


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Assignee"), required=False, queryset=None, empty_label=_("nobody")
    )

    def __init__(self, *args: Any, assignees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees  # type: ignore[attr-defined]
        self.fields["assignee"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]


class TopicForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        required=False,
        queryset=Topic.objects.filter(is_active=True).select_related("parent"),
    )


class CentreForm(forms.Form):
    centre: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Centre"), queryset=None)

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
