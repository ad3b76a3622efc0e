"""`vik check`: the abuse settings are valid (a typo must not switch a defence off)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured

from .ratelimit import DEFAULT_RATES, rate_for

ALTCHA_MODES = ("off", "always", "after_limit")


def abuse_settings_check(**_kwargs: Any) -> list[Error]:
    errors = []
    if settings.VIK_ALTCHA_MODE not in ALTCHA_MODES:
        errors.append(
            Error(
                f"VIK_ALTCHA_MODE is {settings.VIK_ALTCHA_MODE!r}; it is one of {ALTCHA_MODES}.",
                id="vik.abuse.E001",
            )
        )
    try:
        for scope in DEFAULT_RATES:
            rate_for(scope)
    except ImproperlyConfigured as error:
        errors.append(Error(str(error), id="vik.abuse.E002"))
    return errors
