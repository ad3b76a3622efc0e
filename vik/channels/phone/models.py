"""Calls reported by the phone system, the raw events they are made of, the tokens the phone
system authenticates with, the agents' numbers, blocked numbers and call-back tasks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.channels.core.models import ChannelAccount
from vik.contacts.models import Contact
from vik.conversations.models import Interaction, Request
from vik.core.models import TimeStampedModel
from vik.tenancy.models import InformationCentre
from vik.territory.models import Municipality, Region
from vik.topics.models import Topic

from .choices import CAUSE_LABELS, CallBackSource, CallBackState, CallDirection, CallState

GIVE_UP_NOTES = {
    "sms_queued": _("The citizen is sent an SMS with the reference."),
    "no_sms_account": _("The region has no SMS account: no SMS was sent, reach them otherwise."),
    "no_request": _("No SMS was sent: record the call on a request first, then text them."),
}


class CtiToken(models.Model):
    """The secret in the webhook URL of one phone account. Only its SHA-256 is stored: the token
    is shown once, when it is made (`vik phone rotate-token`)."""

    account = models.OneToOneField(
        ChannelAccount, on_delete=models.CASCADE, related_name="cti_token"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=8, blank=True)  # the last characters, to tell tokens apart
    rotated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("CTI token")
        verbose_name_plural = _("CTI tokens")

    def __str__(self) -> str:
        return f"{self.account.name} (…{self.hint})"


class StaffPhone(models.Model):
    """A number, extension or PBX user name under which the phone system names a member of staff
    (`user[]`, `answeringNumber`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_numbers"
    )
    number = models.CharField(_("number or extension"), max_length=64, unique=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("staff phone number")
        verbose_name_plural = _("staff phone numbers")

    def __str__(self) -> str:
        return self.number


class BlockedNumber(models.Model):
    """A caller the region's phone line rejects (`{"action": "reject"}`)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(_("number (E.164)"), max_length=32)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("blocked number")
        verbose_name_plural = _("blocked numbers")
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="blocked_number_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Call(TimeStampedModel):
    """One call as the caller log shows it, derived from its stored events (`CallEvent`)."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.PROTECT, related_name="calls")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    centre = models.ForeignKey(
        InformationCentre, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call_id = models.CharField(max_length=250)
    direction = models.CharField(
        _("direction"), max_length=8, choices=CallDirection.choices, default=CallDirection.IN
    )
    from_number = models.CharField(_("from"), max_length=64, blank=True)
    to_number = models.CharField(_("to"), max_length=64, blank=True)
    # The other party in E.164 (the caller of an incoming call); empty: anonymous or not a number.
    citizen_number = models.CharField(max_length=32, blank=True, db_index=True)
    state = models.CharField(
        _("state"), max_length=16, choices=CallState.choices, default=CallState.RINGING
    )
    started_at = models.DateTimeField(_("started"), db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration"), null=True, blank=True)
    cause = models.CharField(_("cause"), max_length=32, blank=True)
    queue = models.CharField(_("queue"), max_length=100, blank=True)
    users = models.JSONField(default=list, blank=True)  # the PBX's names of who it rang for
    ringing_for = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="calls_ringing"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls_answered",
        verbose_name=_("agent"),
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.JSONField(default=dict, blank=True)  # what VIK answered on newCall
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    request = models.ForeignKey(
        Request, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(fields=["account", "call_id"], name="call_unique_per_account")
        ]
        indexes = [
            models.Index(fields=["centre", "started_at"], name="call_centre_started"),
            # The calls saved since the reports' refresher last ran (`vik.reports.daily`).
            models.Index(fields=["updated_at"], name="call_updated"),
        ]

    @property
    def cause_label(self) -> str:
        """The cause in words, or "" for an ordinary end (no word needed)."""
        if not self.cause or self.cause == "normalClearing":
            return ""
        return str(CAUSE_LABELS.get(self.cause, self.cause))

    def __str__(self) -> str:
        return f"{self.from_number} → {self.to_number} ({self.state})"


class CallEvent(models.Model):
    """One event exactly as the phone system sent it, stored before anything else is done with
    it. A repeated event (same call, same event) is counted, not stored again."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.PROTECT, related_name="+")
    call_id = models.CharField(max_length=250)
    event = models.CharField(max_length=16)
    content_type = models.CharField(max_length=120)
    body = models.TextField()
    received_at = models.DateTimeField()
    repeats = models.PositiveIntegerField(default=0)
    answer = models.JSONField(default=dict, blank=True)  # what VIK answered (the same on repeats)

    class Meta:
        verbose_name = _("call event")
        verbose_name_plural = _("call events")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "call_id", "event"], name="call_event_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.call_id}:{self.event}"


class CallBack(TimeStampedModel):
    """A citizen to be called back: after a missed call, or asked for on the portal."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    centre = models.ForeignKey(
        InformationCentre, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source"), max_length=16, choices=CallBackSource.choices)
    call = models.OneToOneField(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="callback"
    )
    number = models.CharField(_("number"), max_length=32)
    preferred_time = models.CharField(_("preferred time"), max_length=100, blank=True)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    state = models.CharField(
        _("state"), max_length=16, choices=CallBackState.choices, default=CallBackState.OPEN
    )
    due_at = models.DateTimeField(_("call back by"), db_index=True)
    tries = models.PositiveIntegerField(_("tries"), default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    # What was done when the last try failed (`GIVE_UP_NOTES`: the SMS queued, or why not).
    give_up_note = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")
        indexes = [models.Index(fields=["centre", "state", "due_at"], name="callback_queue")]

    def __str__(self) -> str:
        return self.reference

    @property
    def give_up_text(self) -> str:
        return str(GIVE_UP_NOTES.get(self.give_up_note, ""))


class CallBackTry(models.Model):
    callback = models.ForeignKey(CallBack, on_delete=models.CASCADE, related_name="attempts")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reached = models.BooleanField()
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.callback_id}: {'reached' if self.reached else 'not reached'}"
