from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "vik.channels.core"
    label = "channels"
    verbose_name = "Channels"
