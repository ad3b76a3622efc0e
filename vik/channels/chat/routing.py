"""The chat's WebSocket paths (mounted by config/asgi.py).

The citizen's socket (`/ws/chat/`) is opened from municipal sites, any origin: its chat token
authenticates it, not a cookie. The console's socket (`/ws/chat/staff/`) is authenticated by the
staff session cookie, so only pages of VIK itself may open it (the Origin must be one of
ALLOWED_HOSTS): no other site can ride a clerk's session."""

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import URLPattern, path

from .consumers import AgentConsumer, CitizenConsumer

websocket_urlpatterns: list[URLPattern] = [
    path("ws/chat/", CitizenConsumer.as_asgi()),
    path(
        "ws/chat/staff/",
        AllowedHostsOriginValidator(AuthMiddlewareStack(AgentConsumer.as_asgi())),
    ),
]
