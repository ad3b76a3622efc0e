"""Staff surveys: anonymity by construction, one answer per invited person, the group threshold
of the results (4 answers show nothing, 5 show the group), reminders only to those who have not
answered, comparison over rounds, and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from vik.audit.models import AuditEvent
from vik.core import clock
from vik.core.errors import VikError
from vik.notifications.models import Notification
from vik.surveys import selectors
from vik.surveys.models import Answer, Invitation, Response, Round, Survey
from vik.tenancy.choices import Role
from vik.tenancy.models import User
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World

from .conftest import FREE, MOOD, SCALE, TOOLS, answer, send_round, staff_of

pytestmark = pytest.mark.django_db


def groups_of(round: Round, viewer: User) -> dict[str, selectors.GroupResult]:
    return {group.key: group for group in selectors.round_results(round=round, viewer=viewer)}


def question_result(group: selectors.GroupResult, text: str) -> selectors.QuestionResult:
    return next(result for result in group.questions if result.question.text == text)


# Anonymity by construction -------------------------------------------------------------------


def test_no_column_relates_an_answer_or_a_response_to_a_person_or_an_invitation() -> None:
    for model in (Response, Answer):
        related = {
            field.name: field.related_model
            for field in model._meta.get_fields()
            if field.is_relation and field.concrete
        }
        assert User not in related.values(), model
        assert Invitation not in related.values(), model
        # Not even a time finer than the day: an exact time would pair it with a login.
        assert not [
            field.name for field in model._meta.concrete_fields
            if isinstance(field, models.DateTimeField)
        ], model  # fmt: skip
        # Random ids, not a sequence that orders answers as they were given.
        assert isinstance(model._meta.pk, models.UUIDField)
    assert [f.name for f in Response._meta.concrete_fields] == [
        "id", "round", "centre", "region", "submitted_on",
    ]  # fmt: skip
    # The participation list holds a flag and no time of answering.
    assert "is_answered" in {f.name for f in Invitation._meta.concrete_fields}
    assert not {"answered_at", "response"} & {f.name for f in Invitation._meta.get_fields()}


def test_an_answer_keeps_the_centre_region_and_day_only(world: World, survey: Survey) -> None:
    round = send_round(survey, world, regions=[], centres=[world.centre_a])
    assert list(
        Invitation.objects.filter(round=round).values_list("user__username", flat=True)
    ) == ["alice"]
    answer(round, [world.alice], [4])
    response = Response.objects.get()
    assert (response.centre, response.region, response.submitted_on) == (
        world.centre_a, world.region, clock.today(),
    )  # fmt: skip
    assert Invitation.objects.get(user=world.alice).is_answered is True
    # Answering writes no audit entry (it would name the respondent and the time).
    assert not AuditEvent.objects.filter(actor=world.alice).exists()


# One answer per invited person ---------------------------------------------------------------


def test_a_second_submission_is_refused_and_writes_nothing(world: World, survey: Survey) -> None:
    round = send_round(survey, world, regions=[], centres=[world.centre_a])
    answer(round, [world.alice], [5])
    with pytest.raises(VikError, match="již odpověděl"):
        answer(round, [world.alice], [1])
    assert Response.objects.count() == 1
    assert list(Answer.objects.exclude(number=None).values_list("number", flat=True)) == [5]


def test_a_second_submission_in_the_browser_form_writes_nothing(
    world: World, survey: Survey, login: Any
) -> None:
    round = send_round(survey, world, regions=[], centres=[world.centre_a])
    client = login(world.alice)
    questions = {q.text: q.pk for q in survey.questions.all()}
    data = {
        f"q{questions[SCALE]}": "3", f"q{questions[TOOLS]}": ["Chat"],
        f"q{questions[MOOD]}": "Vysoká", f"q{questions[FREE]}": "Víc školení",
    }  # fmt: skip
    url = f"/staff/surveys/rounds/{round.pk}/answer/"
    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, f"q{questions[SCALE]}": "1"})
    assert again.status_code == 200
    assert 'data-testid="already-answered"' in again.content.decode()
    assert list(Answer.objects.exclude(number=None).values_list("number", flat=True)) == [3]
    assert Answer.objects.get(question_id=questions[FREE]).text == "Víc školení"


def test_who_was_not_invited_cannot_answer_and_nothing_is_written(
    world: World, survey: Survey, login: Any
) -> None:
    round = send_round(survey, world, regions=[], centres=[world.centre_a])
    with pytest.raises(VikError, match=r"nebyl\(a\) pozván"):
        answer(round, [world.bob], [2])
    questions = {q.text: q.pk for q in survey.questions.all()}
    response = login(world.bob).post(
        f"/staff/surveys/rounds/{round.pk}/answer/", {f"q{questions[SCALE]}": "2"}
    )
    assert response.status_code == 403
    assert Response.objects.count() == Answer.objects.count() == 0


# The threshold -------------------------------------------------------------------------------


def test_four_answers_show_nothing_five_show_the_group(world: World, survey: Survey) -> None:
    jihlava = staff_of(world.centre_a, 5, "jihlava")
    trebic = staff_of(world.centre_b, 4, "trebic")
    kraj = staff_of(world.regional_centre, 1, "kraj")
    round = send_round(survey, world)
    answer(round, jihlava, [5, 4, 4, 3, 2], tools=["Znalosti", "Chat"], mood="Vysoká")
    answer(round, trebic, [1, 1, 2, 2])
    answer(round, kraj, [5])

    groups = groups_of(round, world.carol)
    assert [(g.key, g.size, g.is_shown) for g in groups.values()] == [
        ("all", 10, True),
        (f"region:{world.region.pk}", 10, True),
        (f"centre:{world.centre_a.pk}", 5, True),
        (f"centre:{world.regional_centre.pk}", 1, False),
        (f"centre:{world.centre_b.pk}", 4, False),
    ]
    shown = groups[f"centre:{world.centre_a.pk}"]
    scale = question_result(shown, SCALE)
    assert scale.average == Decimal("3.60")
    assert [(s.label, s.count, s.percent) for s in scale.distribution] == [
        ("1", 0, 0), ("2", 1, 20), ("3", 1, 20), ("4", 2, 40), ("5", 1, 20),
    ]  # fmt: skip
    tools = question_result(shown, TOOLS)
    assert [(s.label, s.count, s.percent) for s in tools.distribution] == [
        ("Znalosti", 5, 100), ("Šablony", 0, 0), ("Chat", 5, 100),
    ]  # fmt: skip
    assert question_result(shown, FREE).texts == [f"Text jihlava{n}" for n in range(1, 6)]
    everyone = question_result(groups["all"], SCALE)
    assert everyone.average == Decimal("2.90")  # 29 / 10
    for hidden in (world.centre_b, world.regional_centre):
        assert groups[f"centre:{hidden.pk}"].questions == []

    # The page says the same: the figures of the shown group, nothing of the hidden ones.
    assert groups[f"centre:{world.centre_b.pk}"].averages == {}


def test_the_fifth_answer_shows_the_group(world: World, survey: Survey, login: Any) -> None:
    trebic = staff_of(world.centre_b, 5, "trebic")
    others = staff_of(world.centre_a, 5, "jihlava")
    round = send_round(survey, world, regions=[], centres=[world.centre_a, world.centre_b])
    answer(round, others, [3, 3, 3, 3, 3])
    answer(round, trebic[:4], [1, 2, 2, 5])
    page = login(world.carol).get(f"/staff/surveys/rounds/{round.pk}/results/").content.decode()
    assert f'data-group="centre:{world.centre_b.pk}" data-shown="0"' in page
    assert page.count("Text trebic1") == 2  # among all respondents' and the region's texts
    # The smaller group would be given away by the region less centre A: A is hidden too.
    assert f'data-group="centre:{world.centre_a.pk}" data-shown="0"' in page

    answer(round, trebic[4:], [5])
    groups = groups_of(round, world.carol)
    trebic_group = groups[f"centre:{world.centre_b.pk}"]
    assert (trebic_group.size, trebic_group.is_shown) == (5, True)
    assert question_result(trebic_group, SCALE).average == Decimal("3.00")
    assert groups[f"centre:{world.centre_a.pk}"].is_shown is True
    page = login(world.carol).get(f"/staff/surveys/rounds/{round.pk}/results/").content.decode()
    assert f'data-group="centre:{world.centre_b.pk}" data-shown="1"' in page
    assert page.count("Text trebic1") == 3  # and now Třebíč's own


def test_a_subtraction_cannot_reveal_a_hidden_group(world: World, survey: Survey) -> None:
    """Region 9 = centre A 5 + centre B 4: showing A would give B away, so both are hidden."""
    jihlava = staff_of(world.centre_a, 5, "jihlava")
    trebic = staff_of(world.centre_b, 4, "trebic")
    round = send_round(survey, world)
    answer(round, jihlava, [5, 5, 5, 5, 5])
    answer(round, trebic, [1, 1, 1, 1])
    groups = groups_of(round, world.carol)
    assert [(g.size, g.is_shown) for g in groups.values()] == [
        (9, True), (9, True), (5, False), (4, False),
    ]  # fmt: skip
    assert question_result(groups["all"], SCALE).average == Decimal("3.22")  # 29 / 9


def test_a_whole_audience_under_the_minimum_shows_nothing(world: World, survey: Survey) -> None:
    jihlava = staff_of(world.centre_a, 4, "jihlava")
    round = send_round(survey, world)
    answer(round, jihlava, [5, 5, 5, 5])
    assert [g.is_shown for g in groups_of(round, world.carol).values()] == [False, False, False]


def test_the_minimum_is_a_setting(world: World, survey: Survey, settings: Any) -> None:
    settings.VIK_SURVEY_MIN_GROUP = 3
    jihlava = staff_of(world.centre_a, 3, "jihlava")
    round = send_round(survey, world, regions=[], centres=[world.centre_a])
    answer(round, jihlava, [2, 3, 5])
    assert question_result(groups_of(round, world.carol)["all"], SCALE).average == Decimal("3.33")


# Who sees what -------------------------------------------------------------------------------


def test_a_centre_lead_sees_only_their_centre_and_an_agent_nothing(
    world: World, survey: Survey, login: Any
) -> None:
    lead = staff_of(world.centre_a, 1, "vedouci", role=Role.CENTRE_LEAD)[0]
    jihlava = staff_of(world.centre_a, 5, "jihlava")
    trebic = staff_of(world.centre_b, 5, "trebic")
    round = send_round(survey, world, regions=[], centres=[world.centre_a, world.centre_b])
    answer(round, jihlava, [4, 4, 4, 4, 4])
    answer(round, trebic, [2, 2, 2, 2, 2])
    assert [(g.key, g.is_shown) for g in groups_of(round, lead).values()] == [
        (f"centre:{world.centre_a.pk}", True)
    ]
    assert login(world.alice).get(f"/staff/surveys/rounds/{round.pk}/results/").status_code == 403
    assert login(world.dave).get(f"/staff/surveys/rounds/{round.pk}/results/").status_code == 403
    erin = groups_of(round, world.erin)  # the analyst reads all
    assert question_result(erin["all"], SCALE).average == Decimal("3.00")


def test_an_agent_cannot_compose_or_send_and_nothing_happens(
    world: World, survey: Survey, login: Any
) -> None:
    client = login(world.alice)
    assert client.get("/staff/surveys/new/").status_code == 403
    response = client.post(
        "/staff/surveys/new/", {"title": "X", "region": world.region.pk, "questions-TOTAL_FORMS": 0}
    )
    assert response.status_code == 403
    assert client.post(
        f"/staff/surveys/{survey.pk}/send",
        {"regions": [world.region.pk], "closes_on": "2099-01-01"},
    ).status_code == 403  # fmt: skip
    dave = login(world.dave)  # a coordinator of another region
    sending = {"regions": [world.region.pk], "closes_on": "2099-01-01"}
    assert dave.post(f"/staff/surveys/{survey.pk}/send", sending).status_code == 403
    assert Survey.objects.count() == 1
    assert Round.objects.count() == Invitation.objects.count() == Notification.objects.count() == 0


def test_a_coordinator_composes_and_sends_from_the_pages(world: World, login: Any) -> None:
    client = login(world.carol)
    data = {
        "title": "Nástroje", "description": "", "region": world.region.pk,
        "questions-TOTAL_FORMS": "8", "questions-INITIAL_FORMS": "0",
        "questions-0-text": "Jak jste spokojeni?", "questions-0-kind": "scale",
        "questions-0-is_required": "on",
        "questions-1-text": "Co používáte?", "questions-1-kind": "multiple",
        "questions-1-options": "Znalosti\nChat\n",
    }  # fmt: skip
    response = client.post("/staff/surveys/new/", data)
    survey = Survey.objects.get()
    assert response.url == f"/staff/surveys/{survey.pk}/"
    assert [(q.kind, q.text, q.options) for q in survey.questions.all()] == [
        ("scale", "Jak jste spokojeni?", []), ("multiple", "Co používáte?", ["Znalosti", "Chat"]),
    ]  # fmt: skip
    with run_on_commit():
        client.post(
            f"/staff/surveys/{survey.pk}/send",
            {"centres": [world.centre_b.pk], "closes_on": "2099-01-01"},
        )
    assert list(Invitation.objects.values_list("user__username", flat=True)) == ["bob"]
    notification = Notification.objects.get()
    assert notification.user == world.bob
    assert notification.kind == "survey"
    assert f"/staff/surveys/rounds/{Round.objects.get().pk}/answer/" in notification.text


# Reminders -----------------------------------------------------------------------------------


def test_reminders_go_only_to_those_who_have_not_answered(
    world: World, survey: Survey, smtp_sink: Any
) -> None:
    jihlava = staff_of(world.centre_a, 3, "jihlava")
    start = clock.now()
    round = send_round(survey, world, regions=[], centres=[world.centre_a])
    answer(round, jihlava[:1], [4])
    smtp_sink.messages.clear()
    job = import_string("vik.surveys.services.survey_reminders_send")
    assert "vik.surveys.services.survey_reminders_send" in settings.VIK_PERIODIC_JOBS

    with run_on_commit():
        assert job() == 0  # not due yet
    later = start + dt.timedelta(days=settings.VIK_SURVEY_REMINDER_DAYS, minutes=1)
    with clock.travel(later), run_on_commit():
        assert job() == 3  # alice, jihlava2, jihlava3
    with clock.travel(later), run_on_commit():
        assert job() == 0  # once
    recipients = sorted(str(m["To"]) for m in smtp_sink.messages)
    assert recipients == ["jihlava2@example.cz", "jihlava3@example.cz"]  # alice has no address
    assert all("Připomínka" in str(m["Subject"]) for m in smtp_sink.messages)
    reminded = Notification.objects.filter(text__startswith="Připomínka")
    assert sorted(reminded.values_list("user__username", flat=True)) == [
        "alice", "jihlava2", "jihlava3",
    ]  # fmt: skip


def test_a_manual_reminder_skips_who_answered(world: World, survey: Survey, login: Any) -> None:
    jihlava = staff_of(world.centre_a, 2, "jihlava")
    round = send_round(survey, world, regions=[], centres=[world.centre_a])
    answer(round, [world.alice], [4])
    with run_on_commit():
        login(world.carol).post(f"/staff/surveys/rounds/{round.pk}/remind")
    assert sorted(
        Notification.objects.filter(text__startswith="Připomínka").values_list(
            "user__username", flat=True
        )
    ) == [u.username for u in jihlava]
    # An agent may not remind: nothing more is sent.
    assert login(world.alice).post(f"/staff/surveys/rounds/{round.pk}/remind").status_code == 403
    assert Notification.objects.filter(text__startswith="Připomínka").count() == 2


# Rounds --------------------------------------------------------------------------------------


def test_rounds_are_compared_question_by_question(world: World, survey: Survey, login: Any) -> None:
    jihlava = staff_of(world.centre_a, 5, "jihlava")
    trebic = staff_of(world.centre_b, 5, "trebic")
    first = send_round(survey, world, regions=[], centres=[world.centre_a, world.centre_b])
    answer(first, jihlava, [2, 2, 3, 3, 3])
    answer(first, trebic, [4, 4, 4, 4, 4])
    second = send_round(survey, world, regions=[], centres=[world.centre_a, world.centre_b])
    assert second.number == 2
    answer(second, jihlava, [4, 4, 4, 5, 5])
    answer(second, trebic[:4], [5, 5, 5, 5])
    rounds, comparisons = selectors.survey_comparison(survey=survey, viewer=world.carol)
    assert [r.number for r in rounds] == [1, 2]
    [scale] = comparisons
    assert [(row.label, row.averages) for row in scale.rows] == [
        (gettext("All respondents"), [Decimal("3.30"), Decimal("4.67")]),
        ("Kraj Vysočina", [Decimal("3.30"), Decimal("4.67")]),
        ("Centrum jihlava", [Decimal("2.60"), None]),  # round 2: would give Třebíč's 4 away
        ("Centrum trebic", [Decimal("4.00"), None]),
    ]
    page = login(world.carol).get(f"/staff/surveys/{survey.pk}/compare/").content.decode()
    assert "4,67" in page or "4.67" in page
