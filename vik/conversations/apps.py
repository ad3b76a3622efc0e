from django.apps import AppConfig

from vik.channels.core.hooks import intake_register


class ConversationsConfig(AppConfig):
    name = "vik.conversations"
    label = "conversations"
    verbose_name = "Requests"

    def ready(self) -> None:
        # Tenancy decides who reads a request; the read grants it counts are kept here.
        from vik.tenancy import permissions  # local import: needs the loaded app registry

        from .selectors import requests_granted_to  # local import: needs the loaded app registry
        from .services.intake import delivery_failed_record  # local import: needs the registry
        from .tasks import inbound_drain_task, inbound_process_task  # local import: as above

        permissions.register_read_grants(requests_granted_to)
        # The channel core stores payloads; processing them, and the timeline, are ours.
        intake_register(
            drain_task=inbound_drain_task,
            process_task=inbound_process_task,
            delivery_failed=delivery_failed_record,
        )
