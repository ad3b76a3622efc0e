from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "vik.territory"
    label = "territory"
    verbose_name = "Territory"
