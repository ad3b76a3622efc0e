from django.apps import AppConfig

from vik.channels.core.registry import register
from vik.core.health import register_check


class EmailChannelConfig(AppConfig):
    name = "vik.channels.email"
    label = "email_channel"
    verbose_name = "E-mail channel"

    def ready(self) -> None:
        from . import health  # local import: it reads models, which load after apps.py
        from .adapter import EmailAdapter  # local import: it reads models, which load after apps.py

        register(EmailAdapter())
        register_check("mailboxes", health.mailboxes_failing)
