from django.apps import AppConfig

from vik.core.health import register_check
from vik.core.memo import forget_on_change_of


class ChannelsConfig(AppConfig):
    name = "vik.channels.core"
    label = "channels"
    verbose_name = "Channels"

    def ready(self) -> None:
        from . import health  # local import: it reads models, which load after apps.py

        register_check("inbound", health.inbound_payloads)
        register_check("outbound", health.outbound_messages)
        # The accounts are configuration a worker remembers; payloads and messages are not.
        forget_on_change_of("channels.channelaccount")
