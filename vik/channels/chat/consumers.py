"""The chat's two WebSocket endpoints: the citizen's widget (`/ws/chat/`) and the agents'
console (`/ws/chat/staff/`). The frames are JSON objects with a `type`; docs/channels/chat.md
lists them.

Every message is stored (`services.message_post`) before its sender is acknowledged and before
the channel layer carries it to the others; a sender that lost the acknowledgement sends the same
`id` again and is answered with the stored message. Groups: `chat-s-<chat>` (everyone in one
conversation), `chat-c-<centre>` (the consoles of a centre: its queue), `chat-u-<user>` (one
agent's consoles). Each consumer filters what it forwards: a citizen never receives an internal
note, nor anything of another conversation (a socket joins the group of the chat its token names,
and no other).

Bad input never ends a consumer: a frame that is not JSON, too long, of an unknown type or about
a chat the sender is not in gets an `error` frame with a code and a reason; a flood of frames
gets `error` frames and, if it goes on, a close with 4008.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar, cast

from asgiref.sync import sync_to_async
from channels.db import DatabaseSyncToAsync
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from vik.abuse.ratelimit import limit_hit
from vik.conversations import services as conversations
from vik.core import network
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre, User

from . import selectors, services
from .models import ChatMessage, ChatSession, ChatState, Sender
from .services import ChatError

P = ParamSpec("P")
R = TypeVar("R")

CLOSE_UNKNOWN = 4404  # the token names no chat
CLOSE_UNAUTHORISED = 4401  # the console without a signed-in member of staff
CLOSE_FLOOD = 4008  # the sender kept flooding after the error frames
CLOSE_TOO_MANY = 4029  # too many connections from one address


def _db(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """ORM work off the event loop, closing stale connections around it (channels'
    `DatabaseSyncToAsync`), typed. Not thread-sensitive: the calls of many sockets run side by
    side in the loop's thread pool, each thread with its own connection (PostgreSQL: from the
    pool, config/asgi.py), instead of one after another in a process's single sync thread,
    which bounded a process to one stored message at a time (bench/chat.py). One socket's
    frames still run one after another: a consumer awaits each handler before the next."""
    return cast("Callable[P, Awaitable[R]]", DatabaseSyncToAsync(function, thread_sensitive=False))


def _session_group(session_id: int) -> str:
    return f"chat-s-{session_id}"


def _centre_group(centre_id: int) -> str:
    return f"chat-c-{centre_id}"


def _user_group(user_id: int) -> str:
    return f"chat-u-{user_id}"


class FloodGuard:
    """A token bucket per socket: `burst` frames at once, `rate` a second after that."""

    def __init__(self) -> None:
        self.capacity = float(settings.VIK_CHAT_BURST)
        self.rate = float(settings.VIK_CHAT_RATE_PER_SECOND)
        self.tokens = self.capacity
        self.stamp = time.monotonic()
        self.refused = 0

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.refused += 1
        return False


def _client_address(scope: dict[str, Any]) -> str:
    """The client's address by VIK's one rule (`vik.core.network`)."""
    headers = dict(scope.get("headers") or [])
    forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1")
    client = scope.get("client") or ("", 0)
    return network.client_ip_of(str(client[0]), forwarded) or "unknown"


class ChatConsumerBase(AsyncWebsocketConsumer):  # type: ignore[misc]  # channels is untyped
    """Framing shared by both sides: size, JSON, flood, errors."""

    groups_joined: set[str]
    guard: FloodGuard
    language = "cs"

    async def start(self) -> None:
        self.groups_joined = set()
        self.guard = FloodGuard()

    async def join(self, group: str) -> None:
        if group not in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.add(group)

    async def leave(self, group: str) -> None:
        if group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
            self.groups_joined.discard(group)

    async def disconnect(self, code: int) -> None:
        for group in list(getattr(self, "groups_joined", ())):
            await self.leave(group)

    async def send_json(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def error(self, code: str, reason: str, **extra: Any) -> None:
        await self.send_json({"type": "error", "code": code, "reason": reason, **extra})

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Every frame and every group event in the socket's language: what the groups carry
        (the queue, a chat's state) is rendered here too, not only the answers to frames."""
        with translation.override(self.language):
            await super().dispatch(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self._receive(text_data, bytes_data)

    async def _receive(self, text_data: str | None, bytes_data: bytes | None) -> None:
        # Every frame counts against the flood allowance, the invalid ones too: a flood of
        # garbage is closed like a flood of messages.
        if not self.guard.allow():
            await self._flooded(text_data)
            return
        if text_data is None:
            await self.error("bad_frame", _("Send text frames with JSON."))
            return
        if len(text_data) > settings.VIK_CHAT_FRAME_MAX_BYTES:
            await self.error("too_long", _("The frame is too long."))
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self.error("bad_frame", _("The frame is not valid JSON."))
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.error("bad_frame", _("A frame is a JSON object with a type."))
            return
        handler = getattr(self, f"on_{frame['type']}", None)
        if handler is None:
            await self.error("bad_frame", _("Unknown frame type."))
            return
        try:
            await handler(frame)
        except ChatError as refused:
            await self.error(refused.code, str(refused), id=frame.get("id"))

    async def _flooded(self, text_data: str | None) -> None:
        """Refused for flooding: an error frame naming the message (its sender may send it
        again later), and past VIK_CHAT_FLOOD_CLOSE_AFTER refusals a close."""
        if self.guard.refused > settings.VIK_CHAT_FLOOD_CLOSE_AFTER:
            await self.close(code=CLOSE_FLOOD)
            return
        frame_id = None
        if text_data is not None and len(text_data) <= settings.VIK_CHAT_FRAME_MAX_BYTES:
            try:
                parsed = json.loads(text_data)
            except ValueError:
                parsed = None
            frame_id = parsed.get("id") if isinstance(parsed, dict) else None
        await self.error("flood", _("Too many messages at once; wait a moment."), id=frame_id)

    # --- what the groups carry -------------------------------------------------------------

    async def chat_message(self, event: dict[str, Any]) -> None:
        raise NotImplementedError


def _text(frame: dict[str, Any], key: str) -> str:
    value = frame.get(key, "")
    if not isinstance(value, str):
        raise ChatError(_("The frame is not valid."), code="bad_frame")
    return value


def _int(frame: dict[str, Any], key: str) -> int:
    value = frame.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ChatError(_("The frame is not valid."), code="bad_frame")
    return value


@_db
def _session_by_token(token: str) -> ChatSession | None:
    return (
        ChatSession.objects.select_related("request", "agent").filter(token=token).first()
        if token
        else None
    )


@_db
def _history(session: ChatSession, after: int, *, for_citizen: bool) -> list[dict[str, Any]]:
    return [
        selectors.message_frame(message, for_citizen=for_citizen)
        for message in selectors.messages_after(session, after, for_citizen=for_citizen)[:500]
    ]


@_db
def _citizen_state(session_id: int) -> dict[str, Any]:
    session = ChatSession.objects.select_related("request", "agent").get(pk=session_id)
    return selectors.citizen_state(session)


@_db
def _post(session: ChatSession, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any], bool]:
    posted = services.message_post(session=session, **kwargs)
    message = posted.message
    return (
        selectors.message_frame(message, for_citizen=True),
        selectors.message_frame(message, for_citizen=False),
        posted.created,
    )


@_db
def _frames_of(message_ids: list[int]) -> list[tuple[dict[str, Any], dict[str, Any], bool]]:
    messages = ChatMessage.objects.filter(pk__in=message_ids).select_related("author", "attachment")
    return [
        (
            selectors.message_frame(m, for_citizen=True),
            selectors.message_frame(m, for_citizen=False),
            m.internal,
        )
        for m in messages.order_by("seq")
    ]


async def publish(
    channel_layer: Any, session_id: int, citizen: dict[str, Any], staff: dict[str, Any]
) -> None:
    """Carry one stored message to everyone in the conversation."""
    await channel_layer.group_send(
        _session_group(session_id),
        {"type": "chat.message", "chat": session_id, "citizen": citizen, "staff": staff},
    )


async def publish_state(channel_layer: Any, session_id: int) -> None:
    await channel_layer.group_send(
        _session_group(session_id), {"type": "chat.state", "chat": session_id}
    )


async def publish_queue(channel_layer: Any, centre_id: int | None) -> None:
    if centre_id is not None:
        await channel_layer.group_send(_centre_group(centre_id), {"type": "queue.changed"})


class CitizenConsumer(ChatConsumerBase):
    """The widget's socket. Its first frame is `hello` with the chat's token (from
    `POST /chat/api/start`) and the last message number it has; it is answered with the chat's
    state and every message after that number, then everything new as it comes."""

    session: ChatSession | None = None

    async def connect(self) -> None:
        await self.start()
        self.session = None
        refused = await sync_to_async(limit_hit)("chat_connect", _client_address(self.scope))
        await self.accept()
        if refused.refused:
            await self.close(code=CLOSE_TOO_MANY)

    async def on_hello(self, frame: dict[str, Any]) -> None:
        session = await _session_by_token(_text(frame, "token"))
        if session is None:
            await self.error("unknown_chat", _("This chat does not exist."))
            await self.close(code=CLOSE_UNKNOWN)
            return
        if self.session is not None and self.session.pk != session.pk:
            raise ChatError(_("This connection belongs to another chat."), code="bad_frame")
        self.session = session
        self.language = session.language if session.language in ("cs", "en") else "cs"
        await self.join(_session_group(session.pk))
        after = frame.get("after", 0)
        after = after if isinstance(after, int) and after >= 0 else 0
        await self.send_json(await _citizen_state(session.pk))
        for message in await _history(session, after, for_citizen=True):
            await self.send_json(message)

    def _require_session(self) -> ChatSession:
        if self.session is None:
            raise ChatError(_("Say hello with the chat's token first."), code="no_hello")
        return self.session

    async def on_message(self, frame: dict[str, Any]) -> None:
        session = self._require_session()
        client_id = _text(frame, "id")
        citizen, staff, created = await _post(
            session, sender=Sender.CITIZEN, text=_text(frame, "text"), client_id=client_id
        )
        await self.send_json({"type": "ack", "id": client_id, "seq": citizen["seq"]})
        if created:
            await publish(self.channel_layer, session.pk, citizen, staff)
            # `message_post` told the session its state as stored: waiting, or queued again
            # after it had ended (the citizen came back).
            if session.state != ChatState.ACTIVE:
                if services.reopened(session):
                    await publish_state(self.channel_layer, session.pk)
                await publish_queue(self.channel_layer, session.centre_id)

    async def on_sync(self, frame: dict[str, Any]) -> None:
        session = self._require_session()
        for message in await _history(session, _int(frame, "after"), for_citizen=True):
            await self.send_json(message)

    async def on_typing(self, frame: dict[str, Any]) -> None:
        session = self._require_session()
        await self.channel_layer.group_send(
            _session_group(session.pk),
            {"type": "chat.typing", "chat": session.pk, "from": Sender.CITIZEN,
             "on": bool(frame.get("on")), "preview": _text(frame, "preview")[:200]},
        )  # fmt: skip

    async def on_read(self, frame: dict[str, Any]) -> None:
        session = self._require_session()
        seq = await _db(services.read_mark)(
            session=session, side=Sender.CITIZEN, seq=_int(frame, "seq")
        )
        await self.channel_layer.group_send(
            _session_group(session.pk),
            {"type": "chat.read", "chat": session.pk, "from": Sender.CITIZEN, "seq": seq},
        )

    async def on_close(self, frame: dict[str, Any]) -> None:
        session = self._require_session()
        closed = await _db(services.chat_close)(session_id=session.pk, by=None)
        await self._after_system_change(closed)

    async def _after_system_change(self, session: ChatSession) -> None:
        await _announce(self.channel_layer, session)

    async def on_rate(self, frame: dict[str, Any]) -> None:
        session = self._require_session()
        await _db(services.chat_rate)(
            session=session, score=_int(frame, "score"), comment=_text(frame, "comment")
        )
        await self.send_json({"type": "rated", "score": frame["score"]})

    async def on_transcript(self, frame: dict[str, Any]) -> None:
        session = self._require_session()
        address = await _db(services.transcript_send)(
            session_id=session.pk, email=_text(frame, "email")
        )
        await self.send_json({"type": "transcript", "email": address})

    async def chat_message(self, event: dict[str, Any]) -> None:
        if event["chat"] == getattr(self.session, "pk", None) and not event["staff"].get(
            "internal"
        ):
            await self.send_json(event["citizen"])

    async def chat_state(self, event: dict[str, Any]) -> None:
        if self.session is not None and event["chat"] == self.session.pk:
            await self.send_json(await _citizen_state(self.session.pk))

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["from"] != Sender.CITIZEN and self.session and event["chat"] == self.session.pk:
            await self.send_json({"type": "typing", "from": event["from"], "on": event["on"]})

    async def chat_read(self, event: dict[str, Any]) -> None:
        if event["from"] != Sender.CITIZEN and self.session and event["chat"] == self.session.pk:
            await self.send_json({"type": "read", "from": event["from"], "seq": event["seq"]})

    async def queue_changed(self, event: dict[str, Any]) -> None:
        """Only consoles are in centre groups; a citizen's socket never is."""


class AgentConsumer(ChatConsumerBase):
    """An agent's console. On connect it joins its centres' queues and its own chats and is
    sent `hello` with both; `beat` keeps the agent available for new chats."""

    user: User

    async def connect(self) -> None:
        await self.start()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not await _is_staff(user, self.scope):
            # Accepted first: a close before it is an HTTP 403, which the console cannot tell
            # from a foreign Origin; 4401 tells it to sign in again.
            await self.accept()
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        self.user = user
        chosen = (self.scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME, "cs")
        self.language = chosen if chosen in ("cs", "en") else "cs"
        await self.accept()
        await _db(services.presence_beat)(user=user, channel_name=self.channel_name)
        await self.join(_user_group(user.pk))
        for centre_id in await _db(selectors.console_centres)(user):
            await self.join(_centre_group(centre_id))
        for session_id in await _my_chat_ids(user):
            await self.join(_session_group(session_id))
        await self.send_json(await _console_state(user))

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "user"):
            await _db(services.presence_leave)(channel_name=self.channel_name)
            centres = [g for g in getattr(self, "groups_joined", ()) if g.startswith("chat-c-")]
            await super().disconnect(code)
            for group in centres:
                await self.channel_layer.group_send(group, {"type": "queue.changed"})
            return
        await super().disconnect(code)

    async def on_beat(self, frame: dict[str, Any]) -> None:
        await _db(services.presence_beat)(user=self.user, channel_name=self.channel_name)
        await self.send_json({"type": "beat"})

    async def _session(self, frame: dict[str, Any]) -> ChatSession:
        session_id = _int(frame, "chat")
        session = await _visible_session(self.user, session_id)
        if session is None:
            raise ChatError(_("This chat does not exist."), code="unknown_chat")
        return session

    async def on_open(self, frame: dict[str, Any]) -> None:
        """Watch a chat (a supervisor, or an agent looking at one waiting): its history."""
        session = await self._session(frame)
        await self.join(_session_group(session.pk))
        await self.send_json(await _chat_frame(self.user, session.pk))

    async def on_accept(self, frame: dict[str, Any]) -> None:
        session = await _db(services.chat_accept)(session_id=_int(frame, "chat"), agent=self.user)
        await self.join(_session_group(session.pk))
        await self.send_json(await _chat_frame(self.user, session.pk))
        await _announce(self.channel_layer, session)

    async def on_message(self, frame: dict[str, Any]) -> None:
        session = await self._session(frame)
        if session.state == ChatState.CLOSED:
            raise ChatError(_("The chat has ended."), code="closed")
        if not await _may_post(self.user, session):
            raise ChatError(_("Accept the chat first."), code="forbidden")
        client_id = _text(frame, "id")
        citizen, staff, created = await _post(
            session, sender=Sender.AGENT, text=_text(frame, "text"), client_id=client_id,
            author=self.user, internal=bool(frame.get("internal")),
        )  # fmt: skip
        await self.send_json(
            {"type": "ack", "chat": session.pk, "id": client_id, "seq": staff["seq"]}
        )
        if created:
            await publish(self.channel_layer, session.pk, citizen, staff)

    async def on_sync(self, frame: dict[str, Any]) -> None:
        session = await self._session(frame)
        for message in await _history(session, _int(frame, "after"), for_citizen=False):
            await self.send_json({**message, "chat": session.pk})

    async def on_typing(self, frame: dict[str, Any]) -> None:
        session = await self._session(frame)
        await self.channel_layer.group_send(
            _session_group(session.pk),
            {"type": "chat.typing", "chat": session.pk, "from": Sender.AGENT,
             "on": bool(frame.get("on")), "user": self.user.pk, "preview": ""},
        )  # fmt: skip

    async def on_read(self, frame: dict[str, Any]) -> None:
        session = await self._session(frame)
        seq = await _db(services.read_mark)(
            session=session, side=Sender.AGENT, seq=_int(frame, "seq")
        )
        await self.channel_layer.group_send(
            _session_group(session.pk),
            {"type": "chat.read", "chat": session.pk, "from": Sender.AGENT, "seq": seq},
        )

    async def on_close(self, frame: dict[str, Any]) -> None:
        closed = await _db(services.chat_close)(session_id=_int(frame, "chat"), by=self.user)
        await _announce(self.channel_layer, closed)

    async def on_transfer(self, frame: dict[str, Any]) -> None:
        to_user, to_centre = await _transfer_target(frame)
        before = await self._session(frame)
        session = await _db(services.chat_transfer)(
            session_id=before.pk, by=self.user, to_user=to_user, to_centre=to_centre,
            reason=_text(frame, "reason"),
        )  # fmt: skip
        await _announce(self.channel_layer, session)
        if to_user is not None:
            await self.channel_layer.group_send(
                _user_group(to_user.pk), {"type": "chat.assigned", "chat": session.pk}
            )
        if before.centre_id != session.centre_id:
            await publish_queue(self.channel_layer, before.centre_id)
        await self.leave(_session_group(session.pk))
        await self.send_json({"type": "left", "chat": session.pk})

    async def on_invite(self, frame: dict[str, Any]) -> None:
        guest = await _db(User.objects.filter(pk=_int(frame, "user")).first)()
        if guest is None:
            raise ChatError(_("This colleague does not exist."), code="bad_frame")
        session = await _db(services.chat_invite)(
            session_id=_int(frame, "chat"), by=self.user, guest=guest
        )
        await self.channel_layer.group_send(
            _user_group(guest.pk), {"type": "chat.assigned", "chat": session.pk, "invited": True}
        )
        await self.send_json({"type": "invited", "chat": session.pk, "user": guest.pk})

    # --- what the groups carry -------------------------------------------------------------

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json({**event["staff"], "chat": event["chat"]})

    async def chat_state(self, event: dict[str, Any]) -> None:
        await self.send_json(await _chat_frame(self.user, event["chat"], history=False))

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event.get("user") != self.user.pk:
            await self.send_json(
                {"type": "typing", "chat": event["chat"], "from": event["from"], "on": event["on"],
                 "preview": event.get("preview", "")}
            )  # fmt: skip

    async def chat_read(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {"type": "read", "chat": event["chat"], "from": event["from"], "seq": event["seq"]}
        )

    async def chat_assigned(self, event: dict[str, Any]) -> None:
        await self.join(_session_group(event["chat"]))
        await self.send_json(await _chat_frame(self.user, event["chat"]))

    async def queue_changed(self, event: dict[str, Any]) -> None:
        await self.send_json(await _queue_frame(self.user))


@_db
def _is_staff(user: User, scope: dict[str, Any]) -> bool:
    """A member of staff who passed the second factor where it is required."""
    if not permissions.can_record_any_request(user):
        return False
    if permissions.requires_second_factor(user):
        session = scope.get("session")
        return bool(session is not None and session.get("otp_device_id"))
    return True


@_db
def _my_chat_ids(user: User) -> list[int]:
    return list(selectors.agent_sessions(user).values_list("pk", flat=True))


@_db
def _visible_session(user: User, session_id: int) -> ChatSession | None:
    session = (
        ChatSession.objects.select_related("request", "agent", "centre")
        .filter(pk=session_id)
        .first()
    )
    return session if session is not None and services.may_see(user, session) else None


@_db
def _may_post(user: User, session: ChatSession) -> bool:
    return bool(
        session.state != ChatState.CLOSED
        and (session.agent_id == user.pk or session.guests.filter(pk=user.pk).exists())
    )


@_db
def _transfer_target(frame: dict[str, Any]) -> tuple[User | None, InformationCentre | None]:
    user_id, centre_id = frame.get("user"), frame.get("centre")
    to_user = User.objects.filter(pk=user_id).first() if isinstance(user_id, int) else None
    to_centre = (
        InformationCentre.objects.filter(pk=centre_id, is_active=True).first()
        if isinstance(centre_id, int)
        else None
    )
    if to_user is None and to_centre is None:
        raise ChatError(_("Choose a colleague or a centre."), code="bad_frame")
    return to_user, to_centre


async def _announce(channel_layer: Any, session: ChatSession) -> None:
    """After an agent's action: the system lines it wrote, the new state, the queue."""
    for citizen, staff, _internal in await _frames_of(services.announced(session)):
        await publish(channel_layer, session.pk, citizen, staff)
    await publish_state(channel_layer, session.pk)
    await publish_queue(channel_layer, session.centre_id)


@_db
def _chat_frame(user: User, session_id: int, *, history: bool = True) -> dict[str, Any]:
    session = ChatSession.objects.select_related(
        "request",
        "request__requester",
        "request__topic",
        "request__municipality",
        "agent",
        "centre",
    ).get(pk=session_id)  # fmt: skip
    if history:  # the conversation is personal data: its reading is audited like a request's
        conversations.request_viewed(request=session.request, by=user)
    return selectors.console_chat(user, session, history=history)


@_db
def _queue_frame(user: User) -> dict[str, Any]:
    return selectors.console_queue(user)


@_db
def _console_state(user: User) -> dict[str, Any]:
    hello = selectors.console_hello(user)
    for session in selectors.agent_sessions(user):  # their conversations, read again: audited
        conversations.request_viewed(request=session.request, by=user)
    return hello
