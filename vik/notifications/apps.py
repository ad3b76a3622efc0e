from django.apps import AppConfig

from vik.core.health import register_check


class NotificationsConfig(AppConfig):
    name = "vik.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from . import health  # local import: it reads models, which load after apps.py

        register_check("notification_emails", health.notification_emails_waiting)
