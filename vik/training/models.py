"""Training events of staff: what, when, where, by whom, with which knowledge articles, for
which centres; who was invited and who attended; the feedback form (a round of a staff survey,
as anonymous as any)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vik.knowledge.models import Article
from vik.surveys.models import Round
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region
from vik.topics.models import Topic

from .choices import Attendance


class Training(models.Model):
    title = models.CharField(_("topic"), max_length=200)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("topic of the taxonomy"),
    )  # fmt: skip
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("trainer"),
    )  # fmt: skip
    trainer_name = models.CharField(_("external trainer"), max_length=200, blank=True)
    materials = models.ManyToManyField(
        Article, blank=True, related_name="+", verbose_name=_("materials")
    )
    # Who organises it: a centre's training (its lead), or a region's (centre None).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    centre = models.ForeignKey(
        InformationCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience_centres = models.ManyToManyField(
        InformationCentre, related_name="+", verbose_name=_("for the staff of")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    invited_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    feedback_round = models.OneToOneField(
        Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="training"
    )

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self) -> str:
        return self.title

    @property
    def trainer_label(self) -> str:
        if self.trainer is not None:
            return self.trainer.display_name
        return self.trainer_name


class TrainingInvitation(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_invitations"
    )
    centre = models.ForeignKey(
        InformationCentre, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited"))
    attendance = models.CharField(
        _("attendance"), max_length=16, choices=Attendance.choices, default=Attendance.INVITED
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name", "pk"]
        verbose_name = _("training invitation")
        verbose_name_plural = _("training invitations")
        constraints = [
            models.UniqueConstraint(fields=["training", "user"], name="training_invitation_unique")
        ]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(attendance="attended"), name="training_attended"
            )
        ]

    def __str__(self) -> str:
        return f"{self.training_id} {self.user_id}"
