"""Forms of the request list's saved views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class SavedViewForm(forms.Form):
    """Save the list's current filters as a view: for me, or shared with a centre / region."""

    name = forms.CharField(label=_("Name of the view"), max_length=100)
    share = forms.ChoiceField(label=_("Who sees it"), required=False)
    # The list's query string when the form was sent (kept current by vik/shortcuts.js).
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args: Any, share_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["share"].choices = [("", _("only me")), *share_choices]  # type: ignore[attr-defined]


class SavedViewRenameForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=100)
