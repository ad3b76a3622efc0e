from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "vik.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge centre"
