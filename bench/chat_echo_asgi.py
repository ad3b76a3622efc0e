"""The ASGI application bench/chat.py serves: VIK's own (`config.asgi.application`, every path
unchanged) plus the ceiling, a bare Channels echo of the chat's shape that exists only in the
benchmark.

- `/ws/echo/?g=<n>`: the "citizen". Joins group `echo-<n>`; each text frame `{"id", "text"}` is
  answered with `{"type": "ack", "id"}` and carried through the channel layer (Redis) to the
  group as `{"type": "message", "id", "text", "chat": n}`: it reaches the citizen's socket and
  the agent's, as a chat message does, but nothing is stored and nothing is checked.
- `/ws/echo/agent/`: the "agent". A frame `{"type": "join", "chats": [n, …]}` joins those groups
  and is answered `{"type": "joined"}`; then it receives their messages.

The same uvicorn processes, the same channel layer (settings, Redis database, prefix) as VIK.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

from config.asgi import django_asgi
from vik.channels.chat.routing import websocket_urlpatterns


class EchoCitizen(AsyncWebsocketConsumer):  # type: ignore[misc]  # channels is untyped
    chat = 0

    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.chat = int(query.get("g", ["0"])[0])
        await self.channel_layer.group_add(f"echo-{self.chat}", self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(f"echo-{self.chat}", self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        frame = json.loads(text_data or "{}")
        await self.send(text_data=json.dumps({"type": "ack", "id": frame.get("id")}))
        message = {"type": "message", "id": frame.get("id"), "text": frame.get("text"),
                   "chat": self.chat}  # fmt: skip
        await self.channel_layer.group_send(
            f"echo-{self.chat}", {"type": "echo.message", "frame": message}
        )

    async def echo_message(self, event: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(event["frame"]))


class EchoAgent(AsyncWebsocketConsumer):  # type: ignore[misc]  # channels is untyped
    chats: list[int]

    async def connect(self) -> None:
        self.chats = []
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for chat in self.chats:
            await self.channel_layer.group_discard(f"echo-{chat}", self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        frame = json.loads(text_data or "{}")
        if frame.get("type") == "join":
            for chat in frame.get("chats", []):
                await self.channel_layer.group_add(f"echo-{int(chat)}", self.channel_name)
                self.chats.append(int(chat))
            await self.send(text_data=json.dumps({"type": "joined"}))

    async def echo_message(self, event: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(event["frame"]))


application = ProtocolTypeRouter(
    {
        "http": django_asgi,
        "websocket": URLRouter(
            [
                path("ws/echo/agent/", EchoAgent.as_asgi()),
                path("ws/echo/", EchoCitizen.as_asgi()),
                *websocket_urlpatterns,
            ]
        ),
    }
)
