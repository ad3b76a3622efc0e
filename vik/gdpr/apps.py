from django.apps import AppConfig


class GdprConfig(AppConfig):
    name = "vik.gdpr"
    label = "gdpr"
    verbose_name = "GDPR"
