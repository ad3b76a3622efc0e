"""What the chat channel keeps beside the request: the live conversation (`ChatSession`), each
message with the sender's own id and its place in the conversation (`ChatMessage`), and which
agents have the console open (`ChatPresence`).

A chat is a request like any other: every message is also an interaction of its request (the
timeline, the statistics and the tracking page read those); `ChatMessage` adds what only a live
conversation needs: the order both sides agree on (`seq`), the client's message id that makes a
message sent twice (after a reconnect) stored once, and what each side has read.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.conversations.models import Attachment, Interaction, Request
from vik.tenancy.models import InformationCentre


def new_chat_token() -> str:
    return secrets.token_urlsafe(32)


class ChatState(models.TextChoices):
    WAITING = "waiting", _("waiting for an agent")
    ACTIVE = "active", _("in conversation")
    CLOSED = "closed", _("closed")


class Sender(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    AGENT = "agent", _("agent")
    SYSTEM = "system", _("VIK")


class ChatSession(models.Model):
    """One chat: the request it is, the centre whose agents may take it, the agent who has it.

    `token` is the citizen's key to the conversation (kept by the widget in the host page's
    storage): whoever holds it reads and writes this chat, nothing else."""

    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="chat")
    token = models.CharField(max_length=64, unique=True, default=new_chat_token)
    centre = models.ForeignKey(
        InformationCentre, on_delete=models.PROTECT, related_name="chats", null=True
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ChatState.choices, default=ChatState.WAITING
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="chats",
    )  # fmt: skip
    # Colleagues invited into the conversation beside its agent.
    guests = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    language = models.CharField(max_length=8, default="cs")
    queued_at = models.DateTimeField(_("queued"), db_index=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_seq = models.PositiveIntegerField(default=0)
    citizen_read_seq = models.PositiveIntegerField(default=0)
    agent_read_seq = models.PositiveIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )  # fmt: skip
    rating_comment = models.TextField(_("rating comment"), blank=True)
    # The knowledge articles the widget offered before the chat began, and the one the
    # citizen opened (a deflection when they then left without chatting).
    offered_articles = models.JSONField(default=list, blank=True)
    page_url = models.CharField(_("page"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        ordering = ["queued_at"]
        indexes = [models.Index(fields=["centre", "state", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.request.reference} ({self.state})"


class ChatMessage(models.Model):
    """One message of a chat, stored before anyone is told of it (the sender's `ack` included).

    `client_id` is the sender's id of the message: the same message sent again after a lost
    acknowledgement finds the stored one and is answered with it, never stored twice."""

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    sender = models.CharField(max_length=16, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    client_id = models.CharField(max_length=64)
    text = models.TextField(blank=True)
    # An internal note of the agents: never sent to the citizen.
    internal = models.BooleanField(default=False)
    interaction = models.OneToOneField(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_message"
    )
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["session_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="chat_message_seq"),
            models.UniqueConstraint(
                fields=["session", "sender", "client_id"], name="chat_message_client_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.seq} {self.sender}"


class ChatPresence(models.Model):
    """An agent's open console: they may be offered chats while it beats. One row per socket
    (an agent may have two tabs), removed when it closes; a row whose beat is older than
    `VIK_CHAT_PRESENCE_SECONDS` is a console that died without saying so."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_presences"
    )
    channel_name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("chat console")
        verbose_name_plural = _("chat consoles")

    def __str__(self) -> str:
        return f"{self.user_id} {self.seen_at:%H:%M:%S}"
