"""URLs of the workspace app (mounted under /staff/ by config/urls.py)."""

from django.urls import URLPattern, path

from .views import collab, routing_editor, views_saved

staff_urlpatterns: list[URLPattern] = []

# Canned answers, notifications, presence (views/collab.py).
staff_urlpatterns += [
    path("macros/", collab.macro_list, name="macro_list"),
    path("macros/new/", collab.macro_create, name="macro_create"),
    path("macros/<int:pk>/edit/", collab.macro_edit, name="macro_edit"),
    path("macros/<int:pk>/delete", collab.macro_delete, name="macro_delete"),
    path("requests/<str:reference>/macros/apply", collab.macro_apply, name="macro_apply"),
    path("requests/<str:reference>/macros/<int:pk>", collab.macro_rendered, name="macro_rendered"),
    path("requests/<str:reference>/presence", collab.request_presence, name="request_presence"),
    path(
        "requests/<str:reference>/colleagues", collab.mention_colleagues, name="mention_colleagues"
    ),
    path("notifications/", collab.notification_list, name="notification_list"),
    path("notifications/bell", collab.notification_bell, name="notification_bell"),
    path("notifications/settings", collab.notification_settings, name="notification_settings"),
    path("notifications/read-all", collab.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read", collab.notification_read, name="notification_read"),
]

# Saved views of the request list (views/views_saved.py).
staff_urlpatterns += [
    path("views/", views_saved.saved_view_list, name="saved_view_list"),
    path("views/new", views_saved.saved_view_create, name="saved_view_create"),
    path("views/counts", views_saved.view_counts, name="view_counts"),
    path("views/<int:pk>/rename", views_saved.saved_view_rename, name="saved_view_rename"),
    path("views/<int:pk>/delete", views_saved.saved_view_delete, name="saved_view_delete"),
]

# The routing rule editor, whose preview reads requests (views/routing_editor.py); the rest
# of routing's pages are vik.routing.urls.
staff_urlpatterns += [
    path("routing/new/", routing_editor.rule_create, name="routing_rule_create"),
    path("routing/<int:pk>/", routing_editor.rule_edit, name="routing_rule_edit"),
]
