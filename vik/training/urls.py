"""URLs of trainings (mounted under /staff/ by config/urls.py)."""

from django.urls import URLPattern, path

from .views import staff

staff_urlpatterns: list[URLPattern] = [
    path("training/", staff.training_list, name="training_list"),
    path("training/new/", staff.training_create, name="training_create"),
    path("training/me/", staff.training_me, name="training_me"),
    path("training/people/<int:pk>/", staff.training_person, name="training_person"),
    path("training/centres/<int:pk>/", staff.training_centre, name="training_centre"),
    path("training/<int:pk>/", staff.training_detail, name="training_detail"),
    path("training/<int:pk>/invite", staff.training_invite, name="training_invite"),
    path("training/<int:pk>/attendance", staff.training_attendance, name="training_attendance"),
    path("training/<int:pk>/feedback", staff.training_feedback, name="training_feedback"),
]
