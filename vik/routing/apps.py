from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "vik.routing"
    label = "routing"
    verbose_name = "Routing"
