"""Writing surveys: compose, send a round to an audience, answer (anonymously), remind, close."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vik.core import clock
from vik.core.errors import ValidationFailed, VikError
from vik.notifications.choices import NotificationKind
from vik.notifications.services import NotificationDraft, notifications_send
from vik.tenancy.choices import CENTRE_ROLES
from vik.tenancy.models import InformationCentre, Membership, User
from vik.territory.models import Region

from . import events
from .choices import SCALE_VALUES, QuestionKind, SurveyPurpose
from .models import Answer, Invitation, Question, Response, Round, Survey

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

REMINDERS_BATCH = 200


@dataclass(frozen=True)
class QuestionDraft:
    kind: str
    text: str
    options: list[str] = field(default_factory=list)
    is_required: bool = True


def survey_create(
    *,
    title: str,
    region: Region,
    questions: Sequence[QuestionDraft],
    by: StaffUser | None,
    description: str = "",
    purpose: str = SurveyPurpose.STAFF,
) -> Survey:
    """A survey with its questions, not sent yet."""
    if not questions:
        raise ValidationFailed(_("A survey needs at least one question."))
    for draft in questions:
        if draft.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(draft.options) < 2:
            raise ValidationFailed(
                _("The question “%(text)s” needs at least two options.") % {"text": draft.text}
            )
    with transaction.atomic():
        survey = Survey.objects.create(
            title=title,
            description=description,
            region=region,
            purpose=purpose,
            created_by=by,
            created_at=clock.now(),
        )
        Question.objects.bulk_create(
            Question(
                survey=survey,
                position=position,
                kind=draft.kind,
                text=draft.text,
                options=list(draft.options) if draft.kind != QuestionKind.TEXT else [],
                is_required=draft.is_required,
            )
            for position, draft in enumerate(questions, start=1)
        )
        events.created(survey=survey, by=by)
    return survey


def audience_members(
    *, centres: Iterable[InformationCentre], regions: Iterable[Region]
) -> list[tuple[User, InformationCentre]]:
    """The staff of the chosen centres and of every active centre of the chosen regions: each
    active person once, with the first of their centres in the audience."""
    centre_ids = {centre.pk for centre in centres}
    region_ids = {region.pk for region in regions}
    memberships = (
        Membership.objects.filter(
            role__in=sorted(CENTRE_ROLES), centre__is_active=True, user__is_active=True
        )
        .select_related("user", "centre")
        .order_by("user_id", "centre_id")
    )
    chosen: dict[int, tuple[User, InformationCentre]] = {}
    for membership in memberships:
        centre = membership.centre
        assert centre is not None  # a centre role: the constraint
        if centre.pk in centre_ids or centre.region_id in region_ids:
            chosen.setdefault(membership.user_id, (membership.user, centre))
    return list(chosen.values())


def round_send(
    *,
    survey: Survey,
    closes_on: dt.date,
    by: StaffUser | None,
    centres: Sequence[InformationCentre] = (),
    regions: Sequence[Region] = (),
    recipients: Sequence[tuple[User, InformationCentre | None]] | None = None,
) -> Round:
    """Send the survey as a new round: invite the audience (the staff of `centres` and
    `regions`, or the given `recipients`: a training's attendees) in the workspace and by
    e-mail (the notifications' own outbox, after the commit)."""
    if closes_on < clock.today():
        raise ValidationFailed(_("The closing date has passed."))
    if recipients is None:
        recipients = audience_members(centres=centres, regions=regions)
    if not recipients:
        raise ValidationFailed(_("Nobody works in the chosen centres and regions."))
    now = clock.now()
    with transaction.atomic():
        last = Round.objects.filter(survey=survey).aggregate(last=Max("number"))["last"] or 0
        round = Round.objects.create(
            survey=survey, number=last + 1, sent_at=now, closes_on=closes_on, sent_by=by
        )
        round.audience_centres.set(centres)
        round.audience_regions.set(regions)
        Invitation.objects.bulk_create(
            Invitation(round=round, user=user, centre=centre, invited_at=now)
            for user, centre in recipients
        )
        _invitations_notify(round, [user for user, _centre in recipients], reminder=False)
        events.round_sent(round=round, invited=len(recipients), by=by)
    return round


def _invitations_notify(round: Round, users: Sequence[User], *, reminder: bool) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        closes = f"{round.closes_on.day}. {round.closes_on.month}. {round.closes_on.year}"
        url = settings.SITE_URL + reverse("staff:survey_answer", args=[round.pk])
        values = {"title": round.survey.title, "date": closes, "url": url}
        if reminder:
            text = _("Reminder: the survey “%(title)s” awaits your answer until %(date)s: %(url)s")
        else:
            text = _("The survey “%(title)s” awaits your answer until %(date)s: %(url)s")
        notifications_send(
            [NotificationDraft(user, NotificationKind.SURVEY, text % values) for user in users]
        )


def response_submit(*, round: Round, user: StaffUser, answers: Mapping[int, Any]) -> Response:
    """Record the user's answers to the round, once, anonymously.

    `answers` maps a question id to an int (scale), a list of option texts (choices) or a
    string (free text). The participation (`Invitation.is_answered`) and the answers are
    separate writes in one transaction: a second submission, or one of a person not invited,
    writes nothing. The response keeps the invitation's centre and region and the day only.
    """
    questions = list(round.survey.questions.all())
    values = _answers_validated(questions, answers)
    if round.closed_at is not None or round.closes_on < clock.today():
        raise VikError(_("This survey is closed."))
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("centre")
            .filter(round=round, user=user)
            .first()
        )
        if invitation is None:
            raise VikError(_("You were not invited to this survey."))
        claimed = Invitation.objects.filter(pk=invitation.pk, is_answered=False).update(
            is_answered=True
        )
        if not claimed:
            raise VikError(_("You have already answered this survey."))
        centre = invitation.centre
        response = Response.objects.create(
            round=round,
            centre=centre,
            region_id=centre.region_id if centre is not None else round.survey.region_id,
            submitted_on=clock.today(),
        )
        Answer.objects.bulk_create(
            Answer(response=response, question=question, **value) for question, value in values
        )
    return response


def _answers_validated(
    questions: Sequence[Question], answers: Mapping[int, Any]
) -> list[tuple[Question, dict[str, Any]]]:
    values: list[tuple[Question, dict[str, Any]]] = []
    for question in questions:
        given = answers.get(question.pk)
        if given in (None, "", []):
            if question.is_required:
                raise ValidationFailed(
                    _("Answer the question “%(text)s”.") % {"text": question.text}
                )
            continue
        if question.kind == QuestionKind.SCALE:
            if int(given) not in SCALE_VALUES:
                raise ValidationFailed(_("Choose a value from 1 to 5."))
            values.append((question, {"number": int(given)}))
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            chosen = [given] if isinstance(given, str) else list(given)
            if any(option not in question.options for option in chosen) or (
                question.kind == QuestionKind.SINGLE and len(chosen) != 1
            ):
                raise ValidationFailed(_("Choose from the options offered."))
            values.append((question, {"choices": chosen}))
        else:
            values.append((question, {"text": str(given).strip()[:5000]}))
    return values


def round_remind(*, round: Round, by: StaffUser | None) -> int:
    """Remind everyone invited to the open round who has not answered. Returns how many."""
    if round.closed_at is not None or round.closes_on < clock.today():
        raise VikError(_("This survey is closed."))
    with transaction.atomic():
        pending = list(
            Invitation.objects.select_for_update(skip_locked=True)
            .filter(round=round, is_answered=False)
            .select_related("user")
            .order_by("pk")
        )
        _remind(round, pending)
        events.reminded(round=round, reminded=len(pending), by=by)
    return len(pending)


def _remind(round: Round, invitations: Sequence[Invitation]) -> None:
    if not invitations:
        return
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(reminded_at=clock.now())
    _invitations_notify(round, [i.user for i in invitations if i.user.is_active], reminder=True)


def survey_reminders_send() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`): once, `VIK_SURVEY_REMINDER_DAYS` days after the
    invitation, remind whoever has not answered an open round. A worker claims the rows (locked,
    skipping those another holds), so nobody is reminded twice. Returns how many."""
    now = clock.now()
    due = now - dt.timedelta(days=settings.VIK_SURVEY_REMINDER_DAYS)
    rounds = list(
        Round.objects.filter(
            closed_at__isnull=True,
            closes_on__gte=clock.today(),
            invitations__is_answered=False,
            invitations__reminded_at__isnull=True,
            invitations__invited_at__lte=due,
        )
        .select_related("survey")
        .distinct()
    )
    count = 0
    for round in rounds:
        with transaction.atomic():
            pending = list(
                Invitation.objects.select_for_update(skip_locked=True)
                .filter(
                    round=round, is_answered=False, reminded_at__isnull=True, invited_at__lte=due
                )
                .select_related("user")
                .order_by("pk")[:REMINDERS_BATCH]
            )
            _remind(round, pending)
            if pending:
                events.reminded(round=round, reminded=len(pending), by=None)
            count += len(pending)
    return count


def round_close(*, round: Round, by: StaffUser | None) -> Round:
    """Stop taking answers before the closing date."""
    if round.closed_at is None:
        round.closed_at = clock.now()
        round.save(update_fields=["closed_at"])
        events.round_closed(round=round, by=by)
    return round
