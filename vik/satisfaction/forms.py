from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import COMMENT_MAX_CHARS, NOTE_MAX_CHARS

SCORE_CHOICES = [
    (5, _("5 – excellent")),
    (4, _("4 – good")),
    (3, _("3 – so-so")),
    (2, _("2 – poor")),
    (1, _("1 – very poor")),
]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how we handled your request?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us?"),
        required=False,
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please do not write personal data (birth numbers, addresses) here."),
    )


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FollowUpFilterForm(forms.Form):
    centre = forms.TypedChoiceField(label=_("Centre"), required=False, coerce=int, empty_value=None)
    followed_up = forms.BooleanField(label=_("Show followed-up ratings too"), required=False)

    def __init__(self, *args: object, centres: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["centre"].choices = [("", _("All my centres")), *centres]  # type: ignore[attr-defined]
