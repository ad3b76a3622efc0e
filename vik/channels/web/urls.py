from django.urls import path

from . import views

portal_urlpatterns = [
    path("", views.request_form, name="home"),
    path("podani/<uuid:submission_id>/", views.submitted, name="submitted"),
    path("napoveda/", views.suggestions, name="suggestions"),
    path("obce/", views.municipality_options, name="municipality_options"),
    path("sledovani/", views.tracking_find, name="tracking_find"),
    path("sledovani/<str:token>/", views.tracking, name="tracking"),
    path("sledovani/<str:token>/uzavrit/", views.tracking_close, name="tracking_close"),
    path("sledovani/<str:token>/prilohy/<int:pk>", views.attachment_download, name="attachment"),
]
