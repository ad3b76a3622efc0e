from django.apps import AppConfig

from vik.core.memo import forget_on_change_of


class PhoneChannelConfig(AppConfig):
    name = "vik.channels.phone"
    label = "phone_channel"
    verbose_name = "Phone channel (CTI)"

    def ready(self) -> None:
        # The tokens, the blocked numbers and the agents' numbers are read on the hot path of
        # every CTI event and remembered for a few seconds (`vik.core.memo.configured`).
        forget_on_change_of("phone_channel.ctitoken")
        forget_on_change_of("phone_channel.blockednumber")
        forget_on_change_of("phone_channel.staffphone")
