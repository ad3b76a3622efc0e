from django.urls import path

from .views import gateway, staff

urlpatterns = [
    path("inbound", gateway.gateway_inbound, name="sms_gateway_inbound"),
]

staff_urlpatterns = [
    path("sms/gateways/", staff.gateway_list, name="sms_gateway_list"),
    path(
        "sms/gateways/<int:pk>/rotate-token",
        staff.gateway_token_rotate,
        name="sms_token_rotate",
    ),
]
