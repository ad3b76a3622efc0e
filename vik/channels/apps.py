from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "vik.channels"
    label = "channels"
    verbose_name = "Channels"
