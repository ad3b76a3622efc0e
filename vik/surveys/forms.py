"""Forms of staff surveys: composing one, sending a round, answering."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vik.core import clock
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region

from .choices import SCALE_VALUES, QuestionKind
from .models import Question
from .services import QuestionDraft

QUESTION_ROWS = 8


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), empty_label=_("— choose —")
    )

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = regions
        if regions.count() == 1:
            field.initial = regions.first()


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices, required=False)
    options = forms.CharField(
        label=_("Options (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a single or multiple choice question."),
    )
    is_required = forms.BooleanField(label=_("Answer required"), required=False, initial=True)

    def draft(self) -> QuestionDraft | None:
        data = self.cleaned_data
        if not data.get("text"):
            return None
        options = [line.strip() for line in (data.get("options") or "").splitlines()]
        return QuestionDraft(
            kind=data.get("kind") or QuestionKind.SCALE,
            text=data["text"].strip(),
            options=[option for option in options if option],
            is_required=bool(data.get("is_required")),
        )


QuestionFormSet = forms.formset_factory(QuestionForm, extra=QUESTION_ROWS, max_num=30)


class RoundForm(forms.Form):
    centres = forms.ModelMultipleChoiceField(
        label=_("Staff of these centres"),
        queryset=InformationCentre.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Staff of every centre of these regions"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    closes_on = forms.DateField(
        label=_("Open until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centres = self.fields["centres"]
        regions = self.fields["regions"]
        assert isinstance(centres, forms.ModelMultipleChoiceField)
        assert isinstance(regions, forms.ModelMultipleChoiceField)
        centres.queryset = InformationCentre.objects.filter(region=region, is_active=True)
        regions.queryset = Region.objects.filter(pk=region.pk)
        self.fields["closes_on"].initial = clock.today() + dt.timedelta(days=14)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("centres") and not data.get("regions"):
            raise forms.ValidationError(_("Choose the centres or the region to send it to."))
        return data


class AnswerForm(forms.Form):
    """One field per question of the survey, named by the question's id."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = _question_field(question)

    def answers(self) -> dict[int, Any]:
        result: dict[int, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.kind == QuestionKind.SCALE and value:
                value = int(value)
            result[question.pk] = value
        return result


def _question_field(question: Question) -> forms.Field:
    common: dict[str, Any] = {"label": question.text, "required": question.is_required}
    if question.kind == QuestionKind.SCALE:
        scale_labels = {1: _("1 – very dissatisfied"), 5: _("5 – very satisfied")}
        choices = [(str(value), scale_labels.get(value, str(value))) for value in SCALE_VALUES]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.SINGLE:
        options = [(option, option) for option in question.options]
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.MULTIPLE:
        options = [(option, option) for option in question.options]
        return forms.MultipleChoiceField(
            choices=options, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, strip=True, **common
    )
