from django.apps import AppConfig


class FaxChannelConfig(AppConfig):
    name = "vik.channels.fax"
    label = "fax_channel"
    verbose_name = "Fax channel"

    def ready(self) -> None:
        from vik.channels.core.registry import register

        from .adapter import FaxAdapter

        register(FaxAdapter())
