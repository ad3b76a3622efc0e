"""`{{ field|described }}`: a form field's widget pointing at the help and error texts the
field template (`components/gov_field.html`) renders, by ids that exist on the page."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


def help_id(field: forms.BoundField) -> str:
    return f"{field.auto_id}_helptext"


def error_id(field: forms.BoundField) -> str:
    return f"{field.auto_id}_error"


@register.filter
def described(field: forms.BoundField) -> SafeString:
    ids = [help_id(field)] if field.help_text else []
    if field.errors:
        ids.append(error_id(field))
    attrs: dict[str, str | bool] = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
