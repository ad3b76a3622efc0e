from django.apps import AppConfig

from vik.channels.core.hooks import intake_register

from .tasks import inbound_drain_task, inbound_process_task


class ConversationsConfig(AppConfig):
    name = "vik.conversations"
    label = "conversations"
    verbose_name = "Requests"

    def ready(self) -> None:
        # Tenancy decides who reads a request; the read grants it counts are kept here.
        from vik.tenancy import permissions  # local import: needs the loaded app registry

        from . import events  # local import: needs the loaded app registry
        from .selectors import requests_granted_to  # local import: needs the loaded app registry

        permissions.register_read_grants(requests_granted_to)
        # The channel core stores payloads; processing them, and the timeline, are ours.
        intake_register(
            drain_task=inbound_drain_task,
            process_task=inbound_process_task,
            delivery_failed=events.delivery_failure_record,
        )
