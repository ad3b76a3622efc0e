"""End to end in Chromium: an agent answers a staff survey from the navigation's badge; the
coordinator reads the results, where a centre of four answers shows nothing and one of five shows
its figures; the training pages (a record, a centre's overview). axe-core checks every page, at
1280 and at 390 px. Selectors avoid translated labels.

With VIK_SCREENSHOT_DIR set, each page is also saved there at both widths, to be looked at.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vik.core import clock
from vik.surveys import services as surveys
from vik.surveys.choices import QuestionKind
from vik.surveys.models import Answer, Response
from vik.surveys.services import QuestionDraft
from vik.tenancy.choices import Role
from vik.tenancy.models import InformationCentre, Membership, User
from vik.testing.personas import PASSWORD, World
from vik.training import services as training

from .test_browser_web_form import Watch, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)


def _log_in(page: Page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/staff/login/")
    form = page.locator("main form[method=post]")
    form.locator("#id_username").fill(username)
    form.locator("#id_password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/requests/$"))


def _check(page: Page, what: str, name: str) -> None:
    """axe-core at both widths; nothing wider than the 390 px screen but the tables' scrollers."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"{what} at {width} px")
        if width == 390:
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= 390, f"{what} is {overflow} px wide at 390 px"
        folder = os.environ.get("VIK_SCREENSHOT_DIR")
        if folder:
            page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _staff(centre: InformationCentre, prefix: str, count: int) -> list[User]:
    people = []
    for number in range(1, count + 1):
        user = User.objects.create_user(
            username=f"{prefix}{number}", password=PASSWORD,
            first_name=f"{prefix.capitalize()}", last_name=f"Kolegyně {number}",
        )  # fmt: skip
        Membership.objects.create(user=user, region=centre.region, centre=centre, role=Role.AGENT)
        people.append(user)
    return people


def test_answer_a_survey_and_read_the_results(world: World, live_server: Any, page: Page) -> None:
    base_url = live_server.url
    watch = Watch(page)
    jihlava = _staff(world.centre_a, "jihlava", 4)  # with Alice: five in centre A
    trebic = _staff(world.centre_b, "trebic", 3)  # with Bob: four in centre B
    regional = _staff(world.regional_centre, "kraj", 1)  # B and the region's centre: 5 hidden
    survey = surveys.survey_create(
        title="Spokojenost zaměstnanců",
        region=world.region,
        by=world.carol,
        questions=[
            QuestionDraft(QuestionKind.SCALE, "Jak jste spokojeni s prací ve VIK?"),
            QuestionDraft(QuestionKind.SINGLE, "Pracovní zátěž", ["Nízká", "Přiměřená", "Vysoká"]),
            QuestionDraft(QuestionKind.MULTIPLE, "Nástroje", ["Znalosti", "Šablony", "Chat"]),
            QuestionDraft(QuestionKind.TEXT, "Co zlepšit?", is_required=False),
        ],
    )
    round = surveys.round_send(
        survey=survey, regions=[world.region], closes_on=clock.today() + dt.timedelta(days=7),
        by=world.carol,
    )  # fmt: skip
    questions = list(survey.questions.all())

    def answer(person: User, score: int) -> None:
        surveys.response_submit(
            round=round, user=person,
            answers={questions[0].pk: score, questions[1].pk: "Vysoká",
                     questions[2].pk: ["Chat"], questions[3].pk: ""},
        )  # fmt: skip

    people = [*jihlava, world.bob, *trebic, *regional]
    for person, score in zip(people, [4, 4, 3, 5, 2, 2, 1, 2, 3], strict=True):
        answer(person, score)

    # 1. Alice sees the survey waiting for her in the navigation and answers it.
    _log_in(page, base_url, "alice")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")  # the invitation
    page.get_by_test_id("nav-more").locator("summary").click()  # "Více"
    page.get_by_test_id("nav-surveys").click()
    page.get_by_test_id("survey-invitation").locator("a").click()
    page.wait_for_url(re.compile(rf"/staff/surveys/rounds/{round.pk}/answer/$"))
    _check(page, "the survey's answer page", "survey-answer")
    form = page.get_by_test_id("answer-form")
    form.locator(f"input[name=q{questions[0].pk}][value='5']").check()
    form.locator(f"input[name=q{questions[1].pk}][value='Přiměřená']").check()
    form.locator(f"input[name=q{questions[2].pk}][value='Znalosti']").check()
    form.locator(f"textarea[name=q{questions[3].pk}]").fill("Víc školení k novým agendám.")
    page.get_by_test_id("answer-submit").click()
    page.wait_for_url(re.compile(r"/staff/surveys/$"))
    expect(page.get_by_test_id("no-survey-invitations")).to_be_visible()
    assert Response.objects.count() == 10
    assert Answer.objects.filter(text="Víc školení k novým agendám.").count() == 1

    # 2. The coordinator reads the results: centre A (5) is shown, centre B (4) is not.
    _log_in(page, base_url, "carol")
    page.goto(f"{base_url}/staff/surveys/rounds/{round.pk}/results/")
    centre_a = page.locator(f"[data-group='centre:{world.centre_a.pk}']")
    centre_b = page.locator(f"[data-group='centre:{world.centre_b.pk}']")
    expect(centre_a).to_have_attribute("data-shown", "1")
    expect(centre_a.get_by_test_id("average").first).to_contain_text("4")  # (4+4+3+5+5)/5 = 4.2
    expect(centre_a.get_by_test_id("average").first).to_contain_text("20")
    expect(centre_b).to_have_attribute("data-shown", "0")
    expect(centre_b.get_by_test_id("average")).to_have_count(0)
    expect(centre_b.get_by_test_id("group-hidden")).to_be_visible()
    _check(page, "the survey's results page", "survey-results")
    page.goto(f"{base_url}/staff/surveys/{survey.pk}/")
    _check(page, "the survey's page", "survey-detail")
    page.goto(f"{base_url}/staff/surveys/new/")
    _check(page, "the new survey form", "survey-new")

    # 3. The training pages: the centre's overview and a record.
    item = training.training_create(
        title="Nová pravidla směrování", starts_at=clock.now() - dt.timedelta(days=3),
        place="Zasedačka", region=world.region, audience_centres=[world.centre_a], by=world.carol,
    )  # fmt: skip
    training.training_invite(training=item, by=world.carol)
    training.attendance_mark(
        training=item, marks={world.alice.pk: "attended", jihlava[0].pk: "absent"}, by=world.carol
    )
    page.goto(f"{base_url}/staff/training/")
    _check(page, "the trainings", "training-list")
    page.goto(f"{base_url}/staff/training/{item.pk}/")
    _check(page, "a training", "training-detail")
    page.goto(f"{base_url}/staff/training/centres/{world.centre_a.pk}/?subject=title:{item.title}")
    expect(page.get_by_test_id("not-trained-person")).to_have_count(4)
    _check(page, "a centre's training overview", "training-centre")
    page.goto(f"{base_url}/staff/training/people/{world.alice.pk}/")
    _check(page, "a training record", "training-record")
    assert not watch.errors, watch.errors
