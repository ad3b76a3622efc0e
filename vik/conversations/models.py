"""Requests (the unit of work), their interactions and timeline: the CRM core."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vik.channels.core.choices import ChannelKind
from vik.contacts.models import Contact
from vik.core.models import TimeStampedModel
from vik.tenancy.models import InformationCentre
from vik.territory.models import Municipality, Region
from vik.topics.models import Topic

from .choices import (
    AccessReason,
    Direction,
    EventKind,
    ExtensionReason,
    Priority,
    RequestKind,
    Status,
    Visibility,
)


def new_public_token() -> str:
    return secrets.token_urlsafe(32)


class Tag(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="tag_unique")]

    def __str__(self) -> str:
        return self.name


class ReferenceCounter(models.Model):
    """The last number given out per region and year: VYS-2026-000123."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="reference_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}: {self.last_number}"


class Request(TimeStampedModel):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="requests")
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=32, choices=RequestKind.choices, default=RequestKind.INQUIRY
    )
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requester = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="requests")
    origin_channel = models.CharField(_("channel"), max_length=16, choices=ChannelKind.choices)
    origin_account = models.ForeignKey(
        "channels.ChannelAccount", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    centre = models.ForeignKey(
        InformationCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_requests",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="requests")
    language = models.CharField(_("language"), max_length=8, default="cs")
    public_token = models.CharField(max_length=64, unique=True, default=new_public_token)
    # When the request was received (a channel may deliver it later than it was sent).
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    queue = models.ForeignKey(
        "routing.Queue", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    # Service level targets (vik.sla) in absolute time; `due_at` is the nearest one still open
    # (or the statutory deadline), what the list sorts by urgency.
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    sla_warned_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    # Act 106/1999 requests: the last day to provide the information (§ 14(5)(d), § 40 SŘ).
    # After an extension (§ 14(7)) the extended last day; `statutory_original_due_on` keeps the
    # 15-day one, which the reports compare with (`vik.sla.statutory.statutory_outcome`).
    statutory_due_on = models.DateField(_("statutory deadline"), null=True, blank=True)
    statutory_original_due_on = models.DateField(
        _("original statutory deadline"), null=True, blank=True
    )
    # The one extension (`services.request_statutory_extend`): when, by how many calendar days,
    # why; and the proof that the applicant was told before the original deadline: the notice
    # (an outbound interaction on the timeline), when it was sent and on which channel.
    statutory_extended_at = models.DateTimeField(
        _("statutory deadline extended"), null=True, blank=True
    )
    statutory_extension_days = models.PositiveSmallIntegerField(
        _("extension (days)"), null=True, blank=True
    )
    statutory_extension_reason = models.CharField(
        _("reason for the extension"), max_length=32, choices=ExtensionReason.choices, blank=True
    )
    statutory_extension_notice = models.OneToOneField(
        "Interaction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    statutory_notified_at = models.DateTimeField(
        _("applicant informed of the extension"), null=True, blank=True
    )
    statutory_notified_channel = models.CharField(
        _("informed by"), max_length=16, choices=ChannelKind.choices, blank=True
    )
    # A request merged into another is only a pointer to it.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        # The staff list pages by (created_at, id) descending within a region or a centre.
        indexes = [
            models.Index(fields=["region", "-created_at", "-id"], name="request_region_recent"),
            models.Index(fields=["centre", "-created_at", "-id"], name="request_centre_recent"),
            models.Index(
                fields=["centre", "status", "-created_at", "-id"], name="request_centre_status"
            ),
            models.Index(fields=["assignee", "-created_at", "-id"], name="request_assignee"),
            models.Index(fields=["-created_at", "-id"], name="request_recent"),
            models.Index(fields=["centre", "due_at", "id"], name="request_centre_due"),
            models.Index(fields=["region", "due_at", "id"], name="request_region_due"),
            # A region's requests in one status (its coordinators' lists and view counts).
            models.Index(
                fields=["region", "status", "-created_at", "-id"], name="request_region_status"
            ),
            # "Highest priority first", newest first within a priority.
            models.Index(
                fields=["region", "-priority", "-created_at", "-id"], name="request_region_priority"
            ),
            models.Index(
                fields=["centre", "-priority", "-created_at", "-id"], name="request_centre_priority"
            ),
            # The requests resolved lately (vik.satisfaction's periodic job asks their citizens).
            models.Index(
                fields=["resolved_at"],
                name="request_resolved",
                condition=models.Q(resolved_at__isnull=False),
            ),
            # The requests changed lately (vik.reports' rollup refresher reads them every minute).
            models.Index(fields=["updated_at"], name="request_updated"),
            # The workload report (vik.reports): what each person resolved in a period and
            # holds open now, without reading every request of theirs.
            models.Index(
                fields=["assignee", "resolved_at"],
                name="request_assignee_resolved",
                condition=models.Q(resolved_at__isnull=False),
            ),
            # The region and the centre in the index: the open requests per person of a region
            # or a centre counted from the index alone (half the requests may be open).
            models.Index(
                fields=["assignee", "region", "centre"],
                name="request_assignee_open",
                condition=models.Q(
                    status__in=["new", "open", "waiting_citizen", "waiting_office"],
                    merged_into__isnull=True,
                ),
            ),
            # The audit report's unanswered requests (vik.reports.builders.audit): the most
            # urgent first read in this order, the counts per centre from the index alone.
            models.Index(
                fields=["region", "due_at", "statutory_due_on", "created_at", "id"],
                include=["centre"],
                name="request_unanswered_open",
                condition=models.Q(
                    status__in=["new", "open", "waiting_citizen", "waiting_office"],
                    merged_into__isnull=True,
                    first_response_at__isnull=True,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"


class Interaction(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="interactions")
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    channel = models.CharField(_("channel"), max_length=16, choices=ChannelKind.choices)
    account = models.ForeignKey(
        "channels.ChannelAccount", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="interactions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("sanitised HTML"), blank=True)
    # Written by VIK itself (an acknowledgement), not by a person: sent as an auto-reply.
    is_automatic = models.BooleanField(default=False)
    # One inbound payload makes at most one interaction: this is what makes processing idempotent.
    inbound_payload = models.OneToOneField(
        "channels.InboundPayload",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interaction",
    )
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            # The replies a person sent in a period (vik.reports' workload report).
            models.Index(
                fields=["author", "occurred_at"],
                name="interaction_reply_author",
                condition=models.Q(direction="outbound", visibility="public", is_automatic=False),
            ),
            # The replies written since the reports' refresher last ran (its daily counts).
            models.Index(
                fields=["created_at"],
                name="interaction_reply_created",
                condition=models.Q(direction="outbound", visibility="public", is_automatic=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} {self.direction} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class Attachment(models.Model):
    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # An e-mail part's Content-ID, without <>: the formatted message shows it where it says
    # <img src="cid:...">.
    content_id = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class TimelineEvent(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


# The network: transfers, read access of other centres, consultations -------------------------


class Transfer(models.Model):
    """A request handed to another centre: the same row changes its centre; this says when, from
    where, by whom and why."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="transfers")
    from_centre = models.ForeignKey(
        InformationCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_centre = models.ForeignKey(InformationCentre, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("transferred"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_centre_id} → {self.to_centre_id}"


class RequestAccess(models.Model):
    """Read access of a centre to a request it does not hold: it transferred the request away
    (and keeps access) or it is consulted on it. Revoked, not deleted, so that who could read
    what stays known."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="accesses")
    centre = models.ForeignKey(InformationCentre, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=AccessReason.choices)
    granted_at = models.DateTimeField(_("granted"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["granted_at", "id"]
        verbose_name = _("request access")
        verbose_name_plural = _("request accesses")
        # `permissions.requests_visible` asks "which requests may these centres read" on every
        # list page: a small index of the open grants by centre answers it.
        indexes = [
            models.Index(
                fields=["centre", "request"],
                condition=models.Q(revoked_at__isnull=True),
                name="request_access_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.centre_id} {self.reason}"


class Consultation(models.Model):
    """A question to another centre about a request; the consulted centre reads the request
    while the question is open and answers with an internal note."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="consultations")
    from_centre = models.ForeignKey(
        InformationCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_centre = models.ForeignKey(
        InformationCentre, on_delete=models.PROTECT, related_name="consultations_received"
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            models.Index(
                fields=["to_centre", "asked_at"],
                condition=models.Q(answered_at__isnull=True),
                name="consultation_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.to_centre_id}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
