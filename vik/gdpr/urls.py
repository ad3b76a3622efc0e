"""URLs of the GDPR app (mounted under /staff/ by config/urls.py)."""

from django.urls import URLPattern, path

from . import views

staff_urlpatterns: list[URLPattern] = [
    path("gdpr/contacts/<int:pk>/export", views.contact_export, name="gdpr_contact_export"),
    path(
        "gdpr/contacts/<int:pk>/anonymise", views.contact_anonymise, name="gdpr_contact_anonymise"
    ),
]
