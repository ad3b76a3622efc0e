from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "vik.channels.email"
    label = "email_channel"
    verbose_name = "E-mail channel"

    def ready(self) -> None:
        from vik.channels.core.registry import register

        from .adapter import EmailAdapter

        register(EmailAdapter())
