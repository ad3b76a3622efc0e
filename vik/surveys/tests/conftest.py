"""Staff for the survey tests: people of the Vysočina centres, and a survey with each kind of
question."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from vik.core import clock
from vik.surveys import services
from vik.surveys.choices import QuestionKind
from vik.surveys.models import Round, Survey
from vik.surveys.services import QuestionDraft
from vik.tenancy.choices import Role
from vik.tenancy.models import InformationCentre, Membership, User
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World

SCALE = "How satisfied are you with your work in VIK?"
TOOLS = "Which tools help you most?"
MOOD = "How is the workload?"
FREE = "What should change?"


def staff_of(
    centre: InformationCentre, count: int, prefix: str, role: str = Role.AGENT
) -> list[User]:
    people = []
    for number in range(1, count + 1):
        user = User.objects.create_user(
            username=f"{prefix}{number}",
            first_name=prefix.capitalize(),
            last_name=f"Test{number}",
            email=f"{prefix}{number}@example.cz",
        )
        Membership.objects.create(user=user, region=centre.region, centre=centre, role=role)
        people.append(user)
    return people


def make_survey(world: World) -> Survey:
    return services.survey_create(
        title="Spokojenost zaměstnanců 2026",
        region=world.region,
        by=world.carol,
        questions=[
            QuestionDraft(QuestionKind.SCALE, SCALE),
            QuestionDraft(QuestionKind.MULTIPLE, TOOLS, ["Znalosti", "Šablony", "Chat"]),
            QuestionDraft(QuestionKind.SINGLE, MOOD, ["Nízká", "Přiměřená", "Vysoká"]),
            QuestionDraft(QuestionKind.TEXT, FREE, is_required=False),
        ],
    )


def send_round(survey: Survey, world: World, **kwargs: Any) -> Round:
    with run_on_commit():
        return services.round_send(
            survey=survey,
            centres=kwargs.pop("centres", []),
            regions=kwargs.pop("regions", [world.region]),
            closes_on=clock.today() + dt.timedelta(days=14),
            by=world.carol,
            **kwargs,
        )


def answer(round: Round, people: Sequence[User], scores: Sequence[int], **extra: Any) -> None:
    questions = {q.text: q.pk for q in round.survey.questions.all()}
    for person, score in zip(people, scores, strict=True):
        services.response_submit(
            round=round,
            user=person,
            answers={
                questions[SCALE]: score,
                questions[TOOLS]: extra.get("tools", ["Znalosti"]),
                questions[MOOD]: extra.get("mood", "Přiměřená"),
                questions[FREE]: extra.get("text", f"Text {person.username}"),
            },
        )


@pytest.fixture
def survey(world: World) -> Survey:
    return make_survey(world)
