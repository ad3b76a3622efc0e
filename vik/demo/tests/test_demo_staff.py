"""The demo's staff survey shows most centres and hides one under the threshold in each round;
its routing training leaves some people untrained; loading again adds nothing."""

import pytest

from vik.demo.services import demo_load
from vik.demo.staff import ROUTING_TRAINING, SURVEY_TITLE
from vik.surveys import selectors
from vik.surveys.models import Response, Survey
from vik.tenancy.models import InformationCentre, User
from vik.training import selectors as training_selectors
from vik.training.models import Training


@pytest.mark.django_db
def test_the_demo_has_a_survey_of_two_rounds_and_two_trainings(settings):
    demo_load(requests=0)
    survey = Survey.objects.get(title=SURVEY_TITLE)
    coordinator = User.objects.get(username="koordinator")
    shown = []
    for round in survey.rounds.order_by("number"):
        groups = selectors.round_results(round=round, viewer=coordinator)
        shown.append({g.label: (g.size, g.is_shown) for g in groups if g.level == "centre"})
    assert shown == [
        {
            "Informační centrum MěÚ Havlíčkův Brod": (4, False),
            "Informační centrum MěÚ Jihlava": (7, True),
            "Informační centrum MěÚ Pelhřimov": (3, False),
            "Informační centrum MěÚ Třebíč": (5, True),
        },
        {
            "Informační centrum MěÚ Havlíčkův Brod": (5, True),
            "Informační centrum MěÚ Jihlava": (6, True),
            "Informační centrum MěÚ Pelhřimov": (4, False),
            "Informační centrum MěÚ Třebíč": (4, False),
        },
    ]
    lead = User.objects.get(username="vedouci.jihlava")
    assert [i.round.number for i in selectors.invitations_open(user=lead)] == [2]

    jihlava = InformationCentre.objects.get(slug="vys-jihlava")
    _trainings, rows = training_selectors.centre_overview(centre=jihlava, title=ROUTING_TRAINING)
    untrained = [row.person.username for row in rows if not row.is_trained]
    assert 0 < len(untrained) < len(rows)
    assert Training.objects.count() == 2

    answers = Response.objects.count()
    demo_load(requests=0)
    assert Survey.objects.filter(title=SURVEY_TITLE).count() == 1
    assert (Response.objects.count(), Training.objects.count()) == (answers, 2)
