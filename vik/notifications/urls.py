"""URLs of notifications (mounted under /staff/ by config/urls.py)."""

from django.urls import URLPattern, path

from .views import staff

staff_urlpatterns: list[URLPattern] = [
    path("notifications/", staff.notification_list, name="notification_list"),
    path("notifications/bell", staff.notification_bell, name="notification_bell"),
    path("notifications/settings", staff.notification_settings, name="notification_settings"),
    path("notifications/read-all", staff.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read", staff.notification_read, name="notification_read"),
]
