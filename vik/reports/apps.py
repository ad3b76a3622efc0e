from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "vik.reports"
    label = "reports"
    verbose_name = "Reports and dashboards"
