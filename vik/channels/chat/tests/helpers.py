"""What the chat's real-site tests share: starting a chat as the widget does, reading frames until
the one wanted comes, and the frames that came within a while."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection

from vik.testing.asgi import AsgiSite

Frame = dict[str, Any]


def send(socket: ClientConnection, **frame: Any) -> None:
    socket.send(json.dumps(frame))


def until(socket: ClientConnection, wanted: Callable[[Frame], bool], seconds: float = 10) -> Frame:
    """Read frames until one is `wanted` (the others are dropped)."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("the frame did not come")
        try:
            frame: Frame = json.loads(socket.recv(left))
        except TimeoutError:
            raise AssertionError("the frame did not come") from None
        if wanted(frame):
            return frame


def ack_of(client_id: str) -> Callable[[Frame], bool]:
    """The acknowledgement of the message `client_id`, or an error frame (a refusal)."""
    return lambda f: f["type"] == "error" or (f["type"] == "ack" and f["id"] == client_id)


def message_of(client_id: str) -> Callable[[Frame], bool]:
    return lambda f: f["type"] == "message" and f["id"] == client_id


def frames_within(socket: ClientConnection, seconds: float) -> list[Frame]:
    """Every frame that comes within `seconds` (until the socket closes)."""
    frames: list[Frame] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            frames.append(json.loads(socket.recv(left)))
        except (TimeoutError, ConnectionClosed):
            break
    return frames


def closed_with(socket: ClientConnection, seconds: float = 10) -> tuple[int | None, list[Frame]]:
    """Read until the server closes the socket: its close code and the frames before it."""
    frames: list[Frame] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            frames.append(json.loads(socket.recv(left)))
        except ConnectionClosed as closed:
            return (closed.rcvd.code if closed.rcvd else None), frames
        except TimeoutError:
            break
    raise AssertionError(f"the server did not close the socket; frames: {frames[-3:]}")


def console_ready(site: AsgiSite, username: str, index: int = 0) -> ClientConnection:
    """An agent's console, its `hello` read (the agent now counts as available)."""
    console = site.console(username, index=index)
    until(console, lambda f: f["type"] == "hello")
    return console


def chat_start(
    site: AsgiSite, text: str = "Dobrý den, mám dotaz.", index: int = 0, **fields: Any
) -> Frame:
    """`POST /chat/api/start` as the widget does (to Jihlava unless told); its 201 answer."""
    body = {"centre": "jihlava", "text": text, "id": uuid.uuid4().hex, **fields}
    answer = httpx.post(f"{site.url(index)}/chat/api/start", json=body, timeout=20)
    assert answer.status_code == 201, answer.text
    started: Frame = answer.json()
    return started


def citizen_hello(
    site: AsgiSite, token: str, index: int = 0, after: int = 0
) -> tuple[ClientConnection, Frame]:
    """The widget's socket after `hello`: the socket and its `state` frame."""
    citizen = site.citizen(index)
    send(citizen, type="hello", token=token, after=after)
    return citizen, until(citizen, lambda f: f["type"] == "state")


def accepted(console: ClientConnection, chat: int) -> Frame:
    """Accept the chat from the console; the `chat` frame with its history."""
    send(console, type="accept", chat=chat)
    return until(console, lambda f: f["type"] in ("chat", "error") and f.get("chat", chat) == chat)


def stored_texts(site: AsgiSite, chat: int) -> list[tuple[str, str]]:
    """(sender, text) of the chat's stored messages in order, system lines left out."""
    rows = site.rows(
        "SELECT sender, text FROM chat_channel_chatmessage WHERE session_id = ? "
        "AND sender != 'system' ORDER BY seq",
        (chat,),
    )
    return [(str(sender), str(text)) for sender, text in rows]
