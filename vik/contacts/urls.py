from django.urls import path

from .views import staff

staff_urlpatterns = [
    path("contacts/<int:pk>/", staff.contact_detail, name="contact_detail"),
]
