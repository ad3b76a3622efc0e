from django.apps import AppConfig

from vik.core.health import register_check


class WorkspaceConfig(AppConfig):
    name = "vik.workspace"
    label = "workspace"
    verbose_name = "Agent workspace"

    def ready(self) -> None:
        from . import health  # local import: it reads models, which load after apps.py

        # TODO(notifications): register from vik.notifications
        register_check("notification_emails", health.notification_emails_waiting)
