"""The staff login page's "Přihlásit se přes <provider>" button, when single sign-on is on."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from vik.tenancy.oidc.config import enabled, provider_name

register = template.Library()


@register.inclusion_tag("tenancy/_oidc_login.html", takes_context=True)
def oidc_login_button(context: template.Context) -> dict[str, Any]:
    if not enabled():
        return {"oidc_url": ""}
    url = reverse("staff:oidc_start")
    next_url = context.get("next") or ""
    return {
        "oidc_url": f"{url}?{urlencode({'next': next_url})}" if next_url else url,
        "provider_name": provider_name(),
    }
