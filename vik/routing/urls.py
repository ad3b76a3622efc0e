"""URLs of the routing app (mounted under /staff/ by config/urls.py).

The rule editor (`routing/new/`, `routing/<pk>/`) is served by the workspace, whose preview
reads requests: `vik.workspace.urls`."""

from django.urls import URLPattern, path

from .views import staff

staff_urlpatterns: list[URLPattern] = [
    path("routing/", staff.rule_list, name="routing_rules"),
    path("routing/<int:pk>/move", staff.rule_move, name="routing_rule_move"),
    path("routing/<int:pk>/toggle", staff.rule_toggle, name="routing_rule_toggle"),
    path("routing/<int:pk>/delete", staff.rule_delete, name="routing_rule_delete"),
    path("routing/queues/", staff.queue_list, name="routing_queues"),
    path("routing/queues/<int:pk>/delete", staff.queue_delete, name="routing_queue_delete"),
    path("routing/centres/<int:pk>/policy", staff.centre_policy, name="routing_centre_policy"),
    path("routing/me/", staff.availability, name="routing_me"),
]
