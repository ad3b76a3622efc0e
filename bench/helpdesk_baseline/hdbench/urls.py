"""django-helpdesk at /helpdesk/, as its installation guide says (its e-mails link to tickets)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("helpdesk/", include("helpdesk.urls")),
]
