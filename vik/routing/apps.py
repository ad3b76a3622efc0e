from django.apps import AppConfig

from vik.core.memo import forget_on_change_of


class RoutingConfig(AppConfig):
    name = "vik.routing"
    label = "routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        forget_on_change_of(self.label)  # its rows are configuration a worker remembers
