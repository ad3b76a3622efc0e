from django.apps import AppConfig

from vik.channels.core.registry import register


class ChatChannelConfig(AppConfig):
    name = "vik.channels.chat"
    label = "chat_channel"
    verbose_name = "Chat channel (widget and console)"

    def ready(self) -> None:
        from .adapter import ChatAdapter  # local import: it reads models, which load after apps.py

        register(ChatAdapter())
