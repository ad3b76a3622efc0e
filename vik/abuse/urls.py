from django.urls import path

from . import altcha

portal_urlpatterns = [
    path("altcha/challenge/", altcha.challenge, name="altcha_challenge"),
]
