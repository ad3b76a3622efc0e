from django.apps import AppConfig


class WebChannelConfig(AppConfig):
    name = "vik.channels.web"
    label = "web_channel"
    verbose_name = "Web form channel"

    def ready(self) -> None:
        from vik.channels.core.registry import register

        from .adapter import WebAdapter

        register(WebAdapter())
