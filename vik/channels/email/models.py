"""What the e-mail channel remembers: where each mailbox was read up to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.channels.core.models import ChannelAccount


class MailboxState(models.Model):
    """The IMAP position of one folder: a message is fetched once per (UIDVALIDITY, UID), even
    when a mail client shares the mailbox."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="+")
    folder = models.CharField(max_length=255, default="INBOX")
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("mailbox state")
        verbose_name_plural = _("mailbox states")
        constraints = [
            models.UniqueConstraint(fields=["account", "folder"], name="mailbox_state_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account.name}/{self.folder} uid {self.last_uid}"
