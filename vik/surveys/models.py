"""Staff surveys: a survey's questions, its rounds (each sent to an audience), who was invited
and whether they answered, and the answers.

Anonymous by construction: an answer (`Response`, `Answer`) holds no user, no invitation and no
time finer than the day; it is kept under a random id with the centre and region the respondent
worked for (the groups of the results). Who answered is only the `Invitation.is_answered` flag,
set by a separate write in the same transaction, with no time of its own. The results show a
group only with at least `VIK_SURVEY_MIN_GROUP` answers (`selectors.round_results`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vik.tenancy.models import InformationCentre
from vik.territory.models import Region

from .choices import QuestionKind, SurveyPurpose


class Survey(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("introduction"), blank=True)
    purpose = models.CharField(
        _("purpose"), max_length=32, choices=SurveyPurpose.choices, default=SurveyPurpose.STAFF
    )
    # The region whose coordinators compose it and read all of its results.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("staff survey")
        verbose_name_plural = _("staff surveys")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    # The options of a choice question, in their order.
    options = models.JSONField(_("options"), default=list, blank=True)
    is_required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique")
        ]

    def __str__(self) -> str:
        return self.text


class Round(models.Model):
    """One sending of a survey to an audience; a survey run again is a new round, compared with
    the earlier ones question by question."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    audience_centres = models.ManyToManyField(
        InformationCentre, blank=True, related_name="+", verbose_name=_("centres")
    )
    audience_regions = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name=_("regions")
    )
    sent_at = models.DateTimeField(_("sent"))
    closes_on = models.DateField(_("open until"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["survey", "number"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="round_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.number}"


class Invitation(models.Model):
    """Participation only: who was invited to a round (as a member of which centre), whether
    they answered and when they were reminded. Nothing here leads to their answers."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    centre = models.ForeignKey(
        InformationCentre, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited"))
    # A flag and no time: a time would pair an invitation with the answer submitted then.
    is_answered = models.BooleanField(_("answered"), default=False)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="invitation_unique")]
        indexes = [
            models.Index(
                fields=["invited_at"],
                condition=Q(is_answered=False, reminded_at__isnull=True),
                name="invitation_unreminded",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.user_id}"


class Response(models.Model):
    """One submitted questionnaire: a random id, the respondent's centre and region at the time
    of submission, and the day. No user, no invitation, no time of day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    centre = models.ForeignKey(
        InformationCentre, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_on = models.DateField(_("submitted on"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return str(self.id)


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    choices = models.JSONField(_("chosen options"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique"),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1, number__lte=5),
                name="answer_scale_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}"
