from django.apps import AppConfig


class AbuseConfig(AppConfig):
    name = "vik.abuse"
    label = "abuse"
    verbose_name = "Abuse of public endpoints"
