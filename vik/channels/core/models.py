"""Channel accounts, raw inbound payloads stored before processing, and the outbox."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.core.models import TimeStampedModel
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region

from .choices import ChannelKind, OutboundState, PayloadState


class ChannelAccount(TimeStampedModel):
    """One configured instance of a channel: a mailbox, an SMS number, the web form of a region."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="channel_accounts")
    centre = models.ForeignKey(
        InformationCentre,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="channel_accounts",
        help_text=_("Empty: the account serves the whole region and routing decides."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    settings = models.JSONField(_("settings"), default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("channel account")
        verbose_name_plural = _("channel accounts")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class InboundPayload(models.Model):
    """Exactly what arrived, stored before any parsing; the first thing every channel writes."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.PROTECT, related_name="inbound")
    idempotency_key = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    body = models.BinaryField()
    metadata = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=16, choices=PayloadState.choices, default=PayloadState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    quarantine_reason = models.TextField(blank=True)
    received_at = models.DateTimeField(db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Who holds the current claim: a worker changes the payload only while this is its token.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    # The `vik worker` that holds the claim (None: claimed outside a worker, or not claimed):
    # the sweeper takes the claim back as soon as that worker's heartbeat is stale.
    claimed_by = models.CharField(max_length=64, null=True, blank=True, editable=False)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inbound payload")
        verbose_name_plural = _("inbound payloads")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "idempotency_key"], name="inbound_idempotency"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="inbound_due")]

    def __str__(self) -> str:
        return f"{self.account.name}:{self.idempotency_key} ({self.state})"


class PayloadFile(models.Model):
    """A file that came with a payload outside its body (web form uploads)."""

    payload = models.ForeignKey(InboundPayload, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="inbound/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class OutboundMessage(TimeStampedModel):
    """One delivery of one outbound interaction to one recipient, retried until it succeeds or
    fails permanently."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.PROTECT, related_name="outbound")
    interaction = models.ForeignKey(
        "conversations.Interaction", on_delete=models.CASCADE, related_name="deliveries"
    )
    recipient = models.CharField(max_length=254)
    state = models.CharField(
        max_length=16, choices=OutboundState.choices, default=OutboundState.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The `vik worker` sending it (state SENDING; None: claimed outside a worker): see
    # `InboundPayload.claimed_by`.
    claimed_by = models.CharField(max_length=64, null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True)
    external_id = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbound_due")]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.state})"


class MessageReference(models.Model):
    """A channel's id of a message VIK sent or received (an e-mail Message-ID, a data-box dmID),
    and the request, interaction or outbound delivery it belongs to: how replies find their
    thread, and how a delivery report finds the message it reports on."""

    region_id = models.BigIntegerField(db_index=True)
    message_id = models.CharField(max_length=998)
    request = models.ForeignKey("conversations.Request", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16)
    interaction = models.ForeignKey(
        "conversations.Interaction", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    outbound = models.ForeignKey(
        OutboundMessage, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message reference")
        verbose_name_plural = _("message references")
        constraints = [
            models.UniqueConstraint(
                fields=["region_id", "message_id"], name="message_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return self.message_id
