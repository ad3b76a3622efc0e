from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "vik.sla"
    label = "sla"
    verbose_name = "Service levels and deadlines"
