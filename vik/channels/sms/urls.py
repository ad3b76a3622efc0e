from django.urls import path

from . import views

urlpatterns = [
    path("inbound", views.gateway_inbound, name="sms_gateway_inbound"),
]
