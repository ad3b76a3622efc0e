from django.apps import AppConfig


class CounterChannelConfig(AppConfig):
    name = "vik.channels.counter"
    label = "counter_channel"
    verbose_name = "Counter (visits) channel"
