"""A citizen's rating of how a request was handled (CSAT): one per request, 1–5 with an
optional comment, changeable for a while after it was given."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.channels.core.choices import ChannelKind
from vik.contacts.models import Contact
from vik.conversations.models import Request


class Rating(models.Model):
    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="rating")
    # Who rated, for "never more than once a week of one person"; erased with the contact.
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("rating"))
    # May hold personal data: read like the request's messages (audited), erased with them.
    comment = models.TextField(_("comment"), blank=True)
    # The channel the citizen answered on (a link from an e-mail or SMS, the tracking page, a chat).
    channel = models.CharField(_("channel"), max_length=16, choices=ChannelKind.choices)
    answered_at = models.DateTimeField(_("answered"))
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]
        indexes = [models.Index(fields=["answered_at"], name="rating_answered")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.score}"
