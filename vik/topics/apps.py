from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "vik.topics"
    label = "topics"
    verbose_name = "Topics"
