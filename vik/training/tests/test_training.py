"""Trainings: invitations, attendance, a person's training record and a centre's overview of
who has not been trained on a topic, the feedback form as an anonymous survey round, and who
may do what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from vik.core import clock
from vik.notifications.models import Notification
from vik.surveys.choices import SurveyPurpose
from vik.surveys.models import Invitation
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership, User
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World
from vik.topics.models import Topic
from vik.training import selectors, services
from vik.training.models import Training, TrainingInvitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(world: World) -> User:
    user = User.objects.create_user(username="lenka", first_name="Lenka", last_name="Vedoucí")
    Membership.objects.create(
        user=user, region=world.region, centre=world.centre_a, role=Role.CENTRE_LEAD
    )
    return user


@pytest.fixture
def topic() -> Topic:
    return Topic.objects.create(slug="smerovani", name_cs="Směrování", name_en="Routing")


def training(
    world: World, by: User, title: str, topic: Topic | None = None, days: int = 1
) -> Training:
    return services.training_create(
        title=title,
        topic=topic,
        starts_at=clock.now() + dt.timedelta(days=days),
        place="Zasedačka",
        region=world.region,
        centre=world.centre_a,
        audience_centres=[world.centre_a],
        by=by,
    )


def invite(item: Training, by: User) -> int:
    with run_on_commit():
        return services.training_invite(training=item, by=by)


def test_invitations_attendance_record_and_not_trained_overview(
    world: World, lead: User, topic: Topic, login: Any
) -> None:
    routing = training(world, lead, "Nová pravidla směrování", topic)
    other = training(world, lead, "Chat pro začátečníky", days=2)
    assert invite(routing, lead) == 2  # alice and the lead: the staff of centre A
    assert invite(routing, lead) == 0  # nobody twice
    assert invite(other, lead) == 2
    assert sorted(
        Notification.objects.filter(kind="training").values_list("user__username", flat=True)
    ) == ["alice", "alice", "lenka", "lenka"]
    services.attendance_mark(
        training=routing, marks={world.alice.pk: "absent", lead.pk: "attended"}, by=lead
    )
    services.attendance_mark(training=other, marks={world.alice.pk: "attended"}, by=lead)

    record = selectors.training_record(person=world.alice)
    assert [(i.training.title, i.attendance) for i in record] == [
        ("Chat pro začátečníky", "attended"),
        ("Nová pravidla směrování", "absent"),
    ]
    trainings, rows = selectors.centre_overview(centre=world.centre_a, topic=topic)
    assert [t.title for t in trainings] == ["Nová pravidla směrování"]
    assert [(r.person.username, r.cells, r.is_trained) for r in rows] == [
        ("alice", ["absent"], False),
        ("lenka", ["attended"], True),
    ]
    page = login(lead).get(f"/staff/training/centres/{world.centre_a.pk}/?subject=topic:{topic.pk}")
    content = page.content.decode()
    assert content.count('data-testid="not-trained-person"') == 1
    assert '<li data-testid="not-trained-person">Alice Test</li>' in content

    # The same by the training's title (a subject without a topic): Alice is not trained on it.
    by_title = (
        login(lead)
        .get(f"/staff/training/centres/{world.centre_a.pk}/?subject=title:Chat pro začátečníky")
        .content.decode()
    )
    assert by_title.count('data-testid="not-trained-person"') == 1
    assert '<li data-testid="not-trained-person">Lenka Vedoucí</li>' in by_title
    _trainings, by_title_rows = selectors.centre_overview(
        centre=world.centre_a, title="chat pro začátečníky"
    )
    assert [(r.person.username, r.cells, r.is_trained) for r in by_title_rows] == [
        ("alice", ["attended"], True),
        ("lenka", ["invited"], False),
    ]

    mine = login(world.alice).get("/staff/training/me/").content.decode()
    assert mine.count('data-testid="record-row"') == 2
    assert 'data-attendance="absent"' in mine


def test_the_feedback_form_is_an_anonymous_round_for_the_attendees(
    world: World, lead: User
) -> None:
    item = training(world, lead, "Nová pravidla směrování")
    invite(item, lead)
    services.attendance_mark(
        training=item, marks={world.alice.pk: "attended", lead.pk: "excused"}, by=lead
    )
    with run_on_commit():
        round = services.training_feedback_send(
            training=item, closes_on=clock.today() + dt.timedelta(days=7), by=lead
        )
    assert round.survey.purpose == SurveyPurpose.TRAINING_FEEDBACK
    assert list(
        Invitation.objects.filter(round=round).values_list("user__username", flat=True)
    ) == ["alice"]
    assert [q.kind for q in round.survey.questions.all()] == ["scale", "scale", "text"]
    item.refresh_from_db()
    assert item.feedback_round == round


def test_an_agent_cannot_organise_nor_see_others_records_and_nothing_happens(
    world: World, lead: User, login: Any
) -> None:
    item = training(world, lead, "Nová pravidla směrování")
    alice = login(world.alice)
    assert alice.get("/staff/training/new/").status_code == 403
    assert alice.post(f"/staff/training/{item.pk}/invite").status_code == 403
    assert alice.post(
        f"/staff/training/{item.pk}/attendance", {f"u{world.alice.pk}": "attended"}
    ).status_code == 403  # fmt: skip
    assert (
        alice.post(f"/staff/training/{item.pk}/feedback", {"closes_on": "2099-01-01"}).status_code
        == 403
    )
    assert alice.get(f"/staff/training/people/{lead.pk}/").status_code == 403
    assert alice.get(f"/staff/training/centres/{world.centre_a.pk}/").status_code == 403
    assert TrainingInvitation.objects.count() == Notification.objects.count() == 0
    assert item.feedback_round_id is None
    # Bob's lead? No: the lead of centre A sees Alice's record, not Bob's of centre B.
    assert login(lead).get(f"/staff/training/people/{world.alice.pk}/").status_code == 200
    assert login(lead).get(f"/staff/training/people/{world.bob.pk}/").status_code == 403
    assert login(world.dave).get(f"/staff/training/{item.pk}/").status_code == 403


def test_a_lead_creates_a_training_from_the_page(world: World, lead: User, login: Any) -> None:
    response = login(lead).post(
        "/staff/training/new/",
        {
            "title": "Nová pravidla směrování",
            "starts_at": "2099-01-10T09:00",
            "place": "Zasedačka",
            "audience_centres": [world.centre_a.pk],
            "trainer_name": "Jan Externí",
        },
    )
    item = Training.objects.get()
    assert response.url == f"/staff/training/{item.pk}/"
    assert (item.centre, item.region, item.trainer_label) == (
        world.centre_a, world.region, "Jan Externí",
    )  # fmt: skip
    # Another centre's training is not the lead's to organise: refused, nothing created.
    refused = login(lead).post(
        "/staff/training/new/",
        {"title": "X", "starts_at": "2099-01-10T09:00", "place": "Y",
         "audience_centres": [world.centre_b.pk]},
    )  # fmt: skip
    assert refused.status_code == 200
    assert Training.objects.count() == 1
