from django.apps import AppConfig
from django.core import checks


class AbuseConfig(AppConfig):
    name = "vik.abuse"
    label = "abuse"
    verbose_name = "Abuse of public endpoints"

    def ready(self) -> None:
        from .checks import abuse_settings_check  # local import: it reads settings, after apps

        checks.register(abuse_settings_check)
