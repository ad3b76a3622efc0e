from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "vik.notifications"
    label = "notifications"
    verbose_name = "Notifications"
