"""A citizen's rating of how a request was handled (CSAT): one per request, 1–5 with an
optional comment, changeable for a while after it was given; and the one invitation per request
that asks for it."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.channels.core.choices import ChannelKind
from vik.contacts.models import Contact
from vik.conversations.models import Interaction, Request

from .choices import InvitationState, SkipReason


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
    # A dissatisfied rating (1–2) followed up by a centre lead: who, when, what they did.
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("followed up by"),
    )  # fmt: skip
    follow_up_note = models.TextField(_("follow-up note"), blank=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]
        indexes = [
            models.Index(fields=["answered_at"], name="rating_answered"),
            # The ratings changed lately (vik.reports' rollup refresher reads them every minute).
            models.Index(fields=["changed_at"], name="rating_changed"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.score}"


def new_rating_token() -> str:
    # 128 bits, short enough for an SMS link.
    return secrets.token_urlsafe(16)


class RatingInvitation(models.Model):
    """The one time a request's citizen is asked (never twice, even when the request is
    reopened and resolved again): made when the request is resolved, claimed by one worker
    with a conditional UPDATE of its state. Its token is the rating page's address."""

    request = models.OneToOneField(
        Request, on_delete=models.CASCADE, related_name="rating_invitation"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(max_length=32, unique=True, default=new_rating_token)
    state = models.CharField(
        _("state"), max_length=16, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    skip_reason = models.CharField(max_length=16, choices=SkipReason.choices, blank=True)
    # The channel it went by ('' while pending, skipped or on the tracking page only).
    channel = models.CharField(max_length=16, choices=ChannelKind.choices, blank=True)
    # The automatic message that asked (its delivery is in the outbox).
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rating invitation")
        verbose_name_plural = _("rating invitations")
        indexes = [
            models.Index(fields=["state", "created_at"], name="rating_invitation_due"),
            models.Index(fields=["contact", "sent_at"], name="rating_invitation_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.state}"
