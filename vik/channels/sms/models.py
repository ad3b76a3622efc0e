"""What the SMS channel keeps beside the outbox: the parts of each outbound SMS (with the
SMSC's message id and the delivery receipt), and the numbers that asked for no more SMS."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.channels.core.models import OutboundMessage
from vik.contacts.models import Contact
from vik.territory.models import Region


class PartState(models.TextChoices):
    PENDING = "pending", _("not yet accepted by the SMSC")
    SUBMITTED = "submitted", _("accepted by the SMSC")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("not delivered")


class SmsPart(models.Model):
    """One short message of an outbound SMS (a long text is several, joined by the phone).

    A part the SMSC accepted has its `smsc_message_id` and is never submitted again: after a
    dropped connection only the parts without one are, with the same concatenation reference,
    so that the phone still joins them."""

    outbound = models.ForeignKey(
        OutboundMessage, on_delete=models.CASCADE, related_name="sms_parts"
    )
    seq = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    encoding = models.PositiveSmallIntegerField()  # data_coding: 0 GSM-7, 8 UCS-2
    smsc_message_id = models.CharField(max_length=65, blank=True, db_index=True)
    state = models.CharField(max_length=16, choices=PartState.choices, default=PartState.PENDING)
    error = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SMS part")
        verbose_name_plural = _("SMS parts")
        ordering = ["outbound_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["outbound", "seq"], name="sms_part_unique")]

    def __str__(self) -> str:
        return f"{self.outbound_id} {self.seq}/{self.total} ({self.state})"


class SmsOptOut(models.Model):
    """A number that answered STOP (or ODHLÁSIT): VIK sends it no more SMS until it answers
    START. Recorded on the contact the number belongs to, when there is one."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(_("phone"), max_length=32)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="sms_opt_outs"
    )
    keyword = models.CharField(_("keyword"), max_length=32)
    created_at = models.DateTimeField(_("opted out at"))

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["region", "phone"], name="sms_opt_out_unique")
        ]

    def __str__(self) -> str:
        return f"{self.phone} ({self.keyword})"
