"""Writing trainings: create one, invite its audience, mark attendance, send the feedback form
(a round of a staff survey to the attendees, as anonymous as any)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vik.core import clock
from vik.core.errors import ValidationFailed, VikError
from vik.knowledge.models import Article
from vik.notifications.choices import NotificationKind
from vik.notifications.services import NotificationDraft, notifications_send
from vik.surveys.choices import QuestionKind, SurveyPurpose
from vik.surveys.models import Round
from vik.surveys.services import QuestionDraft, audience_members, round_send, survey_create
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Region
from vik.topics.models import Topic

from . import events
from .choices import Attendance
from .models import Training, TrainingInvitation

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def training_create(
    *,
    title: str,
    starts_at: dt.datetime,
    region: Region,
    audience_centres: Sequence[InformationCentre],
    by: StaffUser | None,
    centre: InformationCentre | None = None,
    topic: Topic | None = None,
    description: str = "",
    ends_at: dt.datetime | None = None,
    place: str = "",
    online_url: str = "",
    trainer: User | None = None,
    trainer_name: str = "",
    materials: Sequence[Article] = (),
) -> Training:
    if not audience_centres:
        raise ValidationFailed(_("Choose the centres whose staff the training is for."))
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationFailed(_("The training must end after it starts."))
    with transaction.atomic():
        training = Training.objects.create(
            title=title, topic=topic, description=description, starts_at=starts_at,
            ends_at=ends_at, place=place, online_url=online_url, trainer=trainer,
            trainer_name="" if trainer is not None else trainer_name, region=region,
            centre=centre, created_by=by, created_at=clock.now(),
        )  # fmt: skip
        training.audience_centres.set(audience_centres)
        training.materials.set(materials)
        events.created(training=training, by=by)
    return training


def training_invite(*, training: Training, by: StaffUser | None) -> int:
    """Invite the staff of the training's centres (in the workspace and by e-mail); those
    invited already are not invited again. Returns how many were invited now."""
    members = audience_members(centres=list(training.audience_centres.all()), regions=[])
    with transaction.atomic():
        invited = set(
            TrainingInvitation.objects.filter(training=training).values_list("user_id", flat=True)
        )
        now = clock.now()
        new = [(user, centre) for user, centre in members if user.pk not in invited]
        TrainingInvitation.objects.bulk_create(
            TrainingInvitation(training=training, user=user, centre=centre, invited_at=now)
            for user, centre in new
        )
        Training.objects.filter(pk=training.pk).update(invited_at=now)
        training.invited_at = now
        with translation.override(settings.LANGUAGE_CODE):
            text = _("You are invited to the training “%(title)s” on %(date)s: %(url)s") % {
                "title": training.title,
                "date": _date(training.starts_at),
                "url": settings.SITE_URL + reverse("staff:training_detail", args=[training.pk]),
            }
            notifications_send(
                [NotificationDraft(user, NotificationKind.TRAINING, text) for user, _c in new]
            )
        events.invited(training=training, invited=len(new), by=by)
    return len(new)


def _date(moment: dt.datetime) -> str:
    local = moment.astimezone(clock.PRAGUE)
    return f"{local.day}. {local.month}. {local.year} {local:%H:%M}"


def attendance_mark(*, training: Training, marks: Mapping[int, str], by: StaffUser | None) -> int:
    """Mark who attended (`marks`: the invited user's id to an `Attendance` value). Returns how
    many marks changed."""
    if any(value not in Attendance.values for value in marks.values()):
        raise ValidationFailed(_("Unknown attendance."))
    now = clock.now()
    changed: dict[str, str] = {}
    with transaction.atomic():
        invitations = TrainingInvitation.objects.select_for_update().filter(
            training=training, user_id__in=list(marks)
        )
        for invitation in invitations:
            value = marks[invitation.user_id]
            if invitation.attendance != value:
                invitation.attendance = value
                invitation.marked_at = now
                invitation.marked_by = by
                invitation.save(update_fields=["attendance", "marked_at", "marked_by"])
                changed[str(invitation.user_id)] = value
        if changed:
            events.attendance_marked(training=training, marks=changed, by=by)
    return len(changed)


def training_feedback_send(
    *, training: Training, closes_on: dt.date, by: StaffUser | None
) -> Round:
    """Send the training's feedback form to those who attended: a survey round whose audience
    is the attendees, answered as anonymously as any staff survey."""
    if training.feedback_round_id is not None:
        raise VikError(_("The feedback form was sent already."))
    attendees = [
        (invitation.user, invitation.centre)
        for invitation in TrainingInvitation.objects.filter(
            training=training, attendance=Attendance.ATTENDED, user__is_active=True
        ).select_related("user", "centre")
    ]
    if not attendees:
        raise ValidationFailed(_("Mark who attended first: the form goes to the attendees."))
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        survey = survey_create(
            title=_("Feedback: %(title)s") % {"title": training.title},
            region=training.region,
            purpose=SurveyPurpose.TRAINING_FEEDBACK,
            by=by,
            questions=[
                QuestionDraft(QuestionKind.SCALE, _("How useful was the training for your work?")),
                QuestionDraft(QuestionKind.SCALE, _("How satisfied were you with the trainer?")),
                QuestionDraft(
                    QuestionKind.TEXT,
                    _("What should the next training do differently?"),
                    is_required=False,
                ),
            ],
        )
        round = round_send(survey=survey, closes_on=closes_on, by=by, recipients=attendees)
        Training.objects.filter(pk=training.pk).update(feedback_round=round)
        training.feedback_round = round
        events.feedback_sent(training=training, round_id=round.pk, by=by)
    return round
