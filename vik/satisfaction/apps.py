from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    name = "vik.satisfaction"
    label = "satisfaction"
    verbose_name = "Citizen satisfaction"
