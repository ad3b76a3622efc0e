from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "vik.opendata"
    label = "opendata"
    verbose_name = "Transparency and open data"
