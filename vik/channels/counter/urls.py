from django.urls import URLPattern, path

from . import views

staff_urlpatterns: list[URLPattern] = [
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_new, name="visit_new"),
]
