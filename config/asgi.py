"""The ASGI application: Django's HTTP views and the chat's WebSockets (`vik.channels.chat`),
served by uvicorn (docs/channels/chat.md says why)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
# PostgreSQL through a connection pool here: Django runs the requests' and the consumers'
# database work in threads that come and go, and persistent per-thread connections would leak
# (config/settings/base.py `database_config`). VIK_DB_POOL=false turns it off.
os.environ.setdefault("VIK_DB_POOL", "true")
django_asgi = get_asgi_application()  # before the consumers import models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from vik.channels.chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {"http": django_asgi, "websocket": URLRouter(websocket_urlpatterns)}
)
