from django.apps import AppConfig

from vik.core.memo import forget_on_change_of


class TenancyConfig(AppConfig):
    name = "vik.tenancy"
    label = "tenancy"
    verbose_name = "Offices, centres and staff"

    def ready(self) -> None:
        forget_on_change_of(self.label)  # its rows are configuration a worker remembers
