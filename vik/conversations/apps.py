from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "vik.conversations"
    label = "conversations"
    verbose_name = "Requests"
