"""Targets of new requests, the statutory deadline, pausing while waiting for the citizen."""

from __future__ import annotations

import datetime as dt
import uuid

from vik.channels.web.services import web_follow_up_submit
from vik.conversations import services as conversations
from vik.conversations.choices import EventKind, RequestKind, Status
from vik.conversations.models import Request
from vik.core import clock
from vik.core.memo import batch_memo
from vik.sla.models import SlaPolicy
from vik.sla.templatetags.sla import time_left
from vik.tenancy.models import OpeningHours
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import submit_web_request

from .conftest import at


def _kinds(request: Request) -> list[str]:
    return list(request.events.values_list("kind", flat=True))


def test_a_new_request_gets_its_centres_targets(world, policy, open_request):
    request = open_request(at(2026, 11, 20, 15, 0))  # Friday afternoon
    request.refresh_from_db()
    assert request.first_response_due_at == at(2026, 11, 23, 15, 0)  # Monday: 1 + 7 h
    assert request.resolution_due_at == at(2026, 11, 27, 15, 0)
    assert request.due_at == request.first_response_due_at
    assert request.statutory_due_on is None


def test_a_policy_for_the_kind_wins_over_the_policy_for_every_kind(world, policy, open_request):
    SlaPolicy.objects.create(
        centre=world.centre_a, kind=RequestKind.COMPLAINT, first_response_minutes=960,
        resolution_minutes=4800,
    )  # fmt: skip
    complaint = open_request(at(2026, 11, 23, 8, 0), kind=RequestKind.COMPLAINT)
    inquiry = open_request(at(2026, 11, 23, 8, 0))
    assert complaint.first_response_due_at == at(2026, 11, 24, 16, 0)
    assert inquiry.first_response_due_at == at(2026, 11, 23, 16, 0)


def test_the_centres_opening_hours_count(world, policy, open_request):
    for weekday in range(5):
        OpeningHours.objects.create(
            centre=world.centre_a, weekday=weekday, opens=dt.time(8), closes=dt.time(12)
        )
    request = open_request(at(2026, 11, 23, 11, 0))
    assert request.first_response_due_at == at(2026, 11, 25, 11, 0)  # 1 + 4 + 3 hours


def test_without_a_policy_or_a_centre_there_is_no_target(world, open_request):
    request = open_request(at(2026, 11, 23, 9, 0))
    assert (request.first_response_due_at, request.resolution_due_at, request.due_at) == (
        None, None, None,
    )  # fmt: skip


def test_an_information_request_has_its_statutory_deadline(world, open_request):
    request = open_request(at(2025, 12, 11, 10, 0), kind=RequestKind.INFORMATION_REQUEST)
    request.refresh_from_db()
    assert request.statutory_due_on == dt.date(2025, 12, 29)
    assert request.due_at == at(2025, 12, 29, 23, 59, 59)


def test_the_statutory_deadline_is_due_when_it_is_nearer_than_the_target(
    world, policy, open_request
):
    policy.first_response_minutes = policy.resolution_minutes = 480 * 30
    policy.save()
    request = open_request(at(2025, 12, 11, 10, 0), kind=RequestKind.INFORMATION_REQUEST)
    assert request.due_at == at(2025, 12, 29, 23, 59, 59)
    assert request.first_response_due_at is not None
    assert request.first_response_due_at > request.due_at


def test_waiting_for_the_citizen_does_not_pause_the_statutory_deadline(world, policy, open_request):
    """The centre's targets pause; the law's 15 days run on, and stay what the list sorts by."""
    request = open_request(at(2025, 12, 11, 10, 0), kind=RequestKind.INFORMATION_REQUEST)
    with clock.travel(at(2025, 12, 11, 11, 0)):
        conversations.request_reply(
            request=request, by=world.alice, text="Upřesněte prosím, o které roky jde.",
            status=Status.WAITING_CITIZEN,
        )  # fmt: skip
    request.refresh_from_db()
    assert request.sla_paused_at == at(2025, 12, 11, 11, 0)
    assert request.due_at == at(2025, 12, 29, 23, 59, 59)
    with clock.travel(at(2025, 12, 23, 9, 0)):
        assert time_left(request) != "pozastaveno"
        assert time_left(request) not in ("paused", "—")


def test_the_first_response_moves_due_to_the_resolution(world, policy, open_request):
    request = open_request(at(2026, 11, 23, 8, 0))
    with clock.travel(at(2026, 11, 23, 10, 0)):
        conversations.request_reply(request=request, by=world.alice, text="Dobrý den, ...")
    request.refresh_from_db()
    assert request.due_at == request.resolution_due_at == at(2026, 11, 27, 16, 0)
    assert request.status == Status.OPEN


def test_waiting_for_the_citizen_pauses_and_moves_the_targets(world, policy, open_request):
    request = open_request(at(2026, 11, 23, 8, 0))  # Monday
    with clock.travel(at(2026, 11, 23, 10, 0)):
        conversations.request_reply(
            request=request, by=world.alice, text="Pošlete prosím číslo.",
            status=Status.WAITING_CITIZEN,
        )  # fmt: skip
    request.refresh_from_db()
    assert request.sla_paused_at == at(2026, 11, 23, 10, 0)
    assert request.due_at is None
    assert EventKind.SLA_PAUSED in _kinds(request)
    # The citizen answers on Wednesday at 9:00: 6 + 8 + 1 = 15 working hours later.
    with clock.travel(at(2026, 11, 25, 9, 0)):
        conversations.request_set_status(request=request, status=Status.OPEN, by=world.alice)
    request.refresh_from_db()
    assert request.sla_paused_at is None
    assert request.resolution_due_at == at(2026, 11, 27, 16, 0) + dt.timedelta(
        days=4,
        hours=-1,  # Friday 16:00 + 15 working hours = Tuesday 15:00 (1 Dec)
    )
    assert request.due_at == request.resolution_due_at
    resumed = request.events.get(kind=EventKind.SLA_RESUMED)
    assert resumed.data == {"paused_minutes": 15 * 60}


def test_the_citizen_writing_resumes_the_clock(world, policy, citizen_request):
    conversations.request_set_status(
        request=citizen_request, status=Status.WAITING_CITIZEN, by=world.alice
    )
    assert Request.objects.get(pk=citizen_request.pk).due_at is None
    with run_on_commit():
        web_follow_up_submit(
            request=citizen_request, submission_id=uuid.uuid4(), message="Číslo je 123.",
            files=[], client_ip=None,
        )  # fmt: skip
    citizen_request.refresh_from_db()
    assert citizen_request.status == Status.OPEN
    assert citizen_request.sla_paused_at is None
    assert citizen_request.due_at == citizen_request.first_response_due_at
    assert EventKind.SLA_RESUMED in _kinds(citizen_request)


def test_resolving_clears_due_and_reopening_restores_it(world, policy, open_request):
    request = open_request(at(2026, 11, 23, 8, 0))
    with clock.travel(at(2026, 11, 23, 10, 0)):
        conversations.request_reply(
            request=request, by=world.alice, text="Hotovo.", status=Status.RESOLVED
        )
    request.refresh_from_db()
    assert request.due_at is None
    with clock.travel(at(2026, 11, 24, 10, 0)):
        conversations.request_set_status(request=request, status=Status.OPEN, by=world.alice)
    request.refresh_from_db()
    assert request.due_at == request.resolution_due_at == at(2026, 11, 27, 16, 0)


def test_moving_to_another_centre_keeps_the_targets(world, policy, open_request):
    SlaPolicy.objects.create(
        centre=world.centre_b, first_response_minutes=60, resolution_minutes=120
    )
    request = open_request(at(2026, 11, 23, 8, 0))
    before = (request.first_response_due_at, request.resolution_due_at, request.due_at)
    with clock.travel(at(2026, 11, 23, 9, 0)):
        conversations.request_move(request=request, centre=world.centre_b, by=world.carol)
    request.refresh_from_db()
    assert (request.first_response_due_at, request.resolution_due_at, request.due_at) == before


def test_a_web_request_gets_its_deadlines_through_the_intake(world, policy, client):
    request = submit_web_request(client)
    request.refresh_from_db()
    assert request.centre_id == world.centre_a.pk
    assert request.first_response_due_at is not None
    assert request.due_at == request.first_response_due_at


def test_policies_are_read_once_per_batch(world, policy, django_assert_max_num_queries):
    requests = [
        Request(region=world.region, centre=world.centre_a, created_at=at(2026, 11, 23, 8, 0))
        for _ in range(20)
    ]
    from vik.conversations.services.deadlines import request_deadlines_set

    with batch_memo(), django_assert_max_num_queries(2):  # the policies, the opening hours
        for request in requests:
            request_deadlines_set(request)
    assert {r.due_at for r in requests} == {at(2026, 11, 23, 16, 0)}
