from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vik.core"
    label = "core"
    verbose_name = "VIK core"
