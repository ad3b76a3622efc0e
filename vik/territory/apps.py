from django.apps import AppConfig

from vik.core.memo import forget_on_change_of


class TerritoryConfig(AppConfig):
    name = "vik.territory"
    label = "territory"
    verbose_name = "Territory"

    def ready(self) -> None:
        forget_on_change_of(self.label)  # its rows are configuration a worker remembers
