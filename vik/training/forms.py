"""Forms of trainings: create one, mark attendance, send the feedback form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vik.core import clock
from vik.knowledge.models import Article
from vik.tenancy.models import InformationCentre, User
from vik.topics.models import Topic

from .choices import Attendance

DATETIME = {"type": "datetime-local"}


class StaffChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ArticleChoiceField(forms.ModelMultipleChoiceField[Article]):
    def label_from_instance(self, obj: Article) -> str:
        version = obj.published_version
        return version.title if version is not None else obj.slug


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200)
    topic = forms.ModelChoiceField(
        label=_("Topic of the taxonomy"),
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        empty_label=_("no topic"),
        help_text=_("For the overview of who has been trained on it."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        required=False,
        widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(
        label=_("Online link"), max_length=500, required=False, assume_scheme="https"
    )
    trainer = StaffChoiceField(
        label=_("Trainer from the staff"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("nobody"),
    )
    trainer_name = forms.CharField(label=_("External trainer"), max_length=200, required=False)
    audience_centres = forms.ModelMultipleChoiceField(
        label=_("For the staff of"),
        queryset=InformationCentre.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    materials = ArticleChoiceField(
        label=_("Materials from the knowledge centre"),
        queryset=Article.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(
        self,
        *args: Any,
        centres: QuerySet[InformationCentre],
        articles: QuerySet[Article],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set("audience_centres", centres)
        self._set("materials", articles)
        self._set(
            "trainer",
            User.objects.filter(is_active=True, memberships__centre__in=centres)
            .distinct()
            .order_by("last_name", "first_name"),
        )

    def _set(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("place") and not data.get("online_url"):
            self.add_error("place", _("Give the place or the online link."))
        return data


class AttendanceForm(forms.Form):
    """One choice per invited person, named by their user id."""

    def __init__(self, *args: Any, people: list[tuple[int, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for user_id, label, current in people:
            self.fields[f"u{user_id}"] = forms.ChoiceField(
                label=label, choices=Attendance.choices, initial=current
            )

    def marks(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class FeedbackForm(forms.Form):
    closes_on = forms.DateField(
        label=_("Open until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closes_on"].initial = clock.today() + dt.timedelta(days=7)
