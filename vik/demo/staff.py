"""The demo's staff survey (two rounds of answers: most centres' groups shown, one under the
threshold) and two trainings (one on the new routing rules that some people missed)."""

from __future__ import annotations

import datetime as dt
import random

from vik.core import clock
from vik.knowledge.models import Article
from vik.surveys import services as surveys
from vik.surveys.choices import QuestionKind
from vik.surveys.models import Round, Survey
from vik.surveys.services import QuestionDraft
from vik.tenancy.choices import Role
from vik.tenancy.models import InformationCentre, Membership, User
from vik.territory.models import Region
from vik.training import services as training
from vik.training.models import Training

from . import content

SURVEY_TITLE = "Spokojenost zaměstnanců informačních center"
ROUTING_TRAINING = "Nová pravidla směrování"
# ORP code → how many more agents the centre gets, and how many of its people answer each round.
# Třebíč's four answers of round 2 stay under the threshold of five.
EXTRA_AGENTS = {"6105": 6, "6113": 4, "6102": 4, "6110": 3}
ANSWERS = {"6105": (7, 6), "6113": (5, 4), "6102": (4, 5), "6110": (3, 4)}
FREE_TEXTS = [
    "Více času na zaškolení nových kolegů.",
    "Šablony odpovědí šetří hodně času.",
    "Chybí mi přehled, kdo má kterou agendu na jiném úřadě.",
    "Chat by měl mít delší provozní dobu.",
    "Oceňuji nové články ve znalostním centru.",
    "Rádi bychom častější porady s krajem.",
]


def _agents(centre: InformationCentre, code: str, count: int, password: str) -> list[User]:
    rng = random.Random(f"staff-{code}")
    slug = centre.slug.removeprefix("vys-")
    people = []
    for number in range(3, 3 + count):
        user, created = User.objects.get_or_create(
            username=f"agent{number}.{slug}",
            defaults={
                "first_name": rng.choice(content.FIRST_NAMES_FEMALE),
                "last_name": rng.choice(content.SURNAMES_FEMALE),
                "email": f"agent{number}.{slug}@vik.localhost",
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, region=centre.region, centre=centre, role=Role.AGENT
        )
        people.append(user)
    return people


def _staff(centre: InformationCentre) -> list[User]:
    return list(
        User.objects.filter(memberships__centre=centre, is_active=True).distinct().order_by("pk")
    )


def build_staff_survey(
    *, region: Region, centres: dict[str, InformationCentre], coordinator: User, password: str
) -> Survey | None:
    """Two rounds of the staff satisfaction survey; a second run adds nothing."""
    if Survey.objects.filter(title=SURVEY_TITLE).exists():
        return None
    for code, count in EXTRA_AGENTS.items():
        _agents(centres[code], code, count, password)
    survey = surveys.survey_create(
        title=SURVEY_TITLE,
        description="Anonymní dotazník o tom, jak se vám v síti VIK pracuje. Zabere 3 minuty.",
        region=region,
        by=coordinator,
        questions=[
            QuestionDraft(QuestionKind.SCALE, "Jak jste celkově spokojeni s prací v síti VIK?"),
            QuestionDraft(QuestionKind.SCALE, "Jak vám pomáhá znalostní centrum?"),
            QuestionDraft(
                QuestionKind.SINGLE,
                "Jaká je vaše pracovní zátěž?",
                ["Nízká", "Přiměřená", "Vysoká"],
            ),
            QuestionDraft(
                QuestionKind.MULTIPLE,
                "Které nástroje používáte nejčastěji?",
                ["Znalostní centrum", "Šablony odpovědí", "Chat", "Konzultace s jiným centrem"],
            ),
            QuestionDraft(QuestionKind.TEXT, "Co bychom měli zlepšit?", is_required=False),
        ],
    )
    rng = random.Random(2026)
    today = clock.today()
    for number, (sent_days_ago, closes_in) in enumerate(((120, -106), (6, 8))):
        sent = clock.now() - dt.timedelta(days=sent_days_ago)
        with clock.travel(sent):
            round = surveys.round_send(
                survey=survey,
                centres=[centres[code] for code in ANSWERS],
                closes_on=today + dt.timedelta(days=closes_in),
                by=coordinator,
            )
        for code, counts in ANSWERS.items():
            # The lead of Jihlava (a demo login) leaves round 2 for the visitor to answer.
            people = [p for p in _staff(centres[code]) if p.username != "vedouci.jihlava"]
            for offset, person in enumerate(people[: counts[number]]):
                with clock.travel(sent + dt.timedelta(days=1 + offset % 4, hours=offset)):
                    _answer(round, person, rng, better=number == 1)
        if number == 0:
            with clock.travel(sent + dt.timedelta(days=14)):
                surveys.round_close(round=round, by=coordinator)
    return survey


def _answer(round: Round, person: User, rng: random.Random, *, better: bool) -> None:
    questions = list(round.survey.questions.all())
    low = 3 if better else 2
    values: dict[int, object] = {
        questions[0].pk: rng.randint(low, 5),
        questions[1].pk: rng.randint(low + 1 if better else low, 5),
        questions[2].pk: rng.choice(questions[2].options),
        questions[3].pk: rng.sample(questions[3].options, rng.randint(1, 3)),
        questions[4].pk: rng.choice(FREE_TEXTS) if rng.random() < 0.6 else "",
    }
    surveys.response_submit(round=round, user=person, answers=values)


def build_trainings(
    *, region: Region, centres: dict[str, InformationCentre], coordinator: User, lead: User
) -> int:
    """The region's training on the new routing rules (held, some people missed it) and
    Jihlava's chat training (coming up); a second run adds nothing."""
    if Training.objects.filter(title=ROUTING_TRAINING).exists():
        return 0
    now = clock.now()
    routing_article = Article.objects.filter(published_version__isnull=False).order_by("pk").first()
    held = [centres["6105"], centres["6113"]]
    routing = training.training_create(
        title=ROUTING_TRAINING,
        description="Jak fungují nová pravidla přidělování dotazů podle témat a území.",
        starts_at=now - dt.timedelta(days=20, hours=2),
        ends_at=now - dt.timedelta(days=20),
        place="Krajský úřad, zasedací místnost 2.14",
        online_url="https://meet.example.cz/vik-smerovani",
        trainer=coordinator,
        region=region,
        audience_centres=held,
        materials=[routing_article] if routing_article else [],
        by=coordinator,
    )
    with clock.travel(now - dt.timedelta(days=30)):
        training.training_invite(training=routing, by=coordinator)
    marks: dict[int, str] = {}
    for centre in held:
        for index, person in enumerate(_staff(centre)):
            marks[person.pk] = ["attended", "attended", "absent", "attended", "excused"][index % 5]
    training.attendance_mark(training=routing, marks=marks, by=coordinator)
    chat = training.training_create(
        title="Chat s občany: první kroky",
        starts_at=now + dt.timedelta(days=9),
        ends_at=now + dt.timedelta(days=9, hours=1, minutes=30),
        place="MěÚ Jihlava, školicí místnost",
        trainer_name="Mgr. Tereza Nováková (externí lektorka)",
        region=region,
        centre=centres["6105"],
        audience_centres=[centres["6105"]],
        by=lead,
    )
    training.training_invite(training=chat, by=lead)
    return 2
