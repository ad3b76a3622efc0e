from django.urls import path

from .views import staff

staff_urlpatterns = [
    path("quarantine/", staff.quarantine_list, name="quarantine_list"),
    path("quarantine/<int:pk>/", staff.quarantine_detail, name="quarantine_detail"),
    path("quarantine/<int:pk>/retry", staff.quarantine_retry, name="quarantine_retry"),
    path("quarantine/<int:pk>/discard", staff.quarantine_discard, name="quarantine_discard"),
]
