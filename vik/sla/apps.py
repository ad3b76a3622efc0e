from django.apps import AppConfig

from vik.core.memo import forget_on_change_of


class SlaConfig(AppConfig):
    name = "vik.sla"
    label = "sla"
    verbose_name = "Service levels and deadlines"

    def ready(self) -> None:
        forget_on_change_of(self.label)  # its rows are configuration a worker remembers
