from django.apps import AppConfig

from vik.channels.core.registry import register


class SmsChannelConfig(AppConfig):
    name = "vik.channels.sms"
    label = "sms_channel"
    verbose_name = "SMS channel"

    def ready(self) -> None:
        from .adapter import SmsAdapter  # local import: it reads models, which load after apps.py

        register(SmsAdapter())
