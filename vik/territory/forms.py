"""The municipality a form's text names, for every form that has the municipality chooser
(the portal's question form, the clerk's new request)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Municipality
from .selectors import municipality_resolve


class MunicipalityChoiceMixin:
    """Sets `municipality_candidates` when the text names several municipalities, for the
    template `components/municipality_field.html` to offer the choice."""

    region_ids: list[int] | None = None
    municipality_candidates: list[Municipality]

    def municipality_from(self, text: str) -> Municipality:
        """The one municipality `text` names (a code, the chooser's label or a name), or a
        ValidationError that says which choice the citizen or clerk has to make."""
        found, candidates = municipality_resolve(text=text, region_ids=self.region_ids)
        if found is not None:
            return found
        if candidates:
            self.municipality_candidates = candidates
            raise forms.ValidationError(
                _("There are several municipalities called “%(name)s”; choose the one you mean.")
                % {"name": text}
            )
        raise forms.ValidationError(
            _("We do not know the municipality “%(name)s”. Choose one from the list.")
            % {"name": text}
        )
