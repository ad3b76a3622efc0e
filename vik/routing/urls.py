"""URLs of the routing app (mounted under /staff/ by config/urls.py)."""

from django.urls import URLPattern

staff_urlpatterns: list[URLPattern] = []
