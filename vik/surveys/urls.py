"""URLs of staff surveys (mounted under /staff/ by config/urls.py)."""

from django.urls import URLPattern, path

from .views import staff

staff_urlpatterns: list[URLPattern] = [
    path("surveys/", staff.survey_home, name="survey_home"),
    path("surveys/new/", staff.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", staff.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/send", staff.survey_round_send, name="survey_round_send"),
    path("surveys/<int:pk>/compare/", staff.survey_compare, name="survey_compare"),
    path("surveys/rounds/<int:pk>/answer/", staff.survey_answer, name="survey_answer"),
    path("surveys/rounds/<int:pk>/results/", staff.survey_results, name="survey_results"),
    path("surveys/rounds/<int:pk>/remind", staff.survey_round_remind, name="survey_round_remind"),
    path("surveys/rounds/<int:pk>/close", staff.survey_round_close, name="survey_round_close"),
]
