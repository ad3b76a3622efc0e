from django.apps import AppConfig

from vik.channels.core.registry import register


class WebChannelConfig(AppConfig):
    name = "vik.channels.web"
    label = "web_channel"
    verbose_name = "Web form channel"

    def ready(self) -> None:
        from .adapter import WebAdapter  # local import: it reads models, which load after apps.py

        register(WebAdapter())
