from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "vik.surveys"
    label = "surveys"
    verbose_name = "Staff surveys"
