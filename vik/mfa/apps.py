from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaConfig(AppConfig):
    """The second factor of staff sign-in: TOTP (django-otp) with one-time recovery codes."""

    name = "vik.mfa"
    label = "mfa"
    verbose_name = _("second factor")
