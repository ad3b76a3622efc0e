from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "vik.conversations"
    label = "conversations"
    verbose_name = "Requests"

    def ready(self) -> None:
        # Tenancy decides who reads a request; the read grants it counts are kept here.
        from vik.tenancy import permissions  # local import: needs the loaded app registry

        from .selectors import requests_granted_to  # local import: needs the loaded app registry

        permissions.register_read_grants(requests_granted_to)
