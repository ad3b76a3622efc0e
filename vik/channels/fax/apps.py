from django.apps import AppConfig

from vik.channels.core.registry import register


class FaxChannelConfig(AppConfig):
    name = "vik.channels.fax"
    label = "fax_channel"
    verbose_name = "Fax channel"

    def ready(self) -> None:
        from .adapter import FaxAdapter  # local import: it reads models, which load after apps.py

        register(FaxAdapter())
