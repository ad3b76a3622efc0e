from django.urls import path

from .views import spam, staff

staff_urlpatterns = [
    path("quarantine/", staff.quarantine_list, name="quarantine_list"),
    path("quarantine/<int:pk>/", staff.quarantine_detail, name="quarantine_detail"),
    path("quarantine/<int:pk>/retry", staff.quarantine_retry, name="quarantine_retry"),
    path("quarantine/<int:pk>/discard", staff.quarantine_discard, name="quarantine_discard"),
    path("spam/", spam.spam_list, name="spam_list"),
    path("spam/<int:pk>/", spam.spam_detail, name="spam_detail"),
    path("spam/<int:pk>/release", spam.spam_release, name="spam_release"),
    path("spam/<int:pk>/discard", spam.spam_discard, name="spam_discard"),
]
