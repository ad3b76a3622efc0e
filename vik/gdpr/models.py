"""What the GDPR tasks remember: which contacts and requests were anonymised, and when the
retention job is next due. The anonymised rows themselves stay where they are (statistics)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.contacts.models import Contact
from vik.conversations.models import Request

from .choices import ErasureReason


class ErasedContact(models.Model):
    """A contact whose name, identities and note were replaced: no personal data is left."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="erasure")
    erased_at = models.DateTimeField(_("anonymised"))
    reason = models.CharField(_("reason"), max_length=32, choices=ErasureReason.choices)

    class Meta:
        verbose_name = _("anonymised contact")
        verbose_name_plural = _("anonymised contacts")

    def __str__(self) -> str:
        return f"{self.contact_id} {self.erased_at:%Y-%m-%d}"


class ErasedRequest(models.Model):
    """A request whose free text, attachments and raw payloads were removed; its reference,
    channel, topic, centre, municipality and times stay for the statistics."""

    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="erasure")
    erased_at = models.DateTimeField(_("anonymised"))
    reason = models.CharField(_("reason"), max_length=32, choices=ErasureReason.choices)

    class Meta:
        verbose_name = _("anonymised request")
        verbose_name_plural = _("anonymised requests")

    def __str__(self) -> str:
        return f"{self.request_id} {self.erased_at:%Y-%m-%d}"


class RetentionSchedule(models.Model):
    """One row: when the periodic retention job is next due. A worker claims a run with a
    conditional UPDATE of `due_at`, so that one worker per interval does the work."""

    due_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.due_at:%Y-%m-%d %H:%M}"
