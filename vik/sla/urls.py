"""URLs of the sla app (mounted under /staff/ by config/urls.py)."""

from django.urls import path

from .views import staff

staff_urlpatterns = [
    path("sla/", staff.policy_list, name="sla_policy_list"),
    path("sla/new/", staff.policy_create, name="sla_policy_create"),
    path("sla/<int:pk>/", staff.policy_edit, name="sla_policy_edit"),
]
