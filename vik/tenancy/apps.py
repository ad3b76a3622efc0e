from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "vik.tenancy"
    label = "tenancy"
    verbose_name = "Offices, centres and staff"
