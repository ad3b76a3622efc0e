from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "vik.reports"
    label = "reports"
    verbose_name = "Reports and dashboards"

    def ready(self) -> None:
        from . import catalogue  # local import: builders read models, which load after apps.py

        catalogue.register_all()
