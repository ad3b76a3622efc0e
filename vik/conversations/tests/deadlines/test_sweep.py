"""The periodic sweep: a warning before a deadline, escalation after, each exactly once."""

from __future__ import annotations

import datetime as dt

from vik.conversations import services as conversations
from vik.conversations.choices import EventKind, Priority, RequestKind
from vik.conversations.models import Request
from vik.conversations.services.deadlines import sla_sweep
from vik.core import clock
from vik.notifications.models import Notification

from .conftest import at


def _events(request: Request, kind: str) -> list[dict]:
    return list(request.events.filter(kind=kind).values_list("data", flat=True))


def _sweep(when: dt.datetime) -> None:
    with clock.travel(when):
        sla_sweep()


def test_nothing_happens_before_the_warning_window(world, policy, open_request):
    request = open_request(at(2026, 11, 23, 8, 0))  # first response due 16:00
    with clock.travel(at(2026, 11, 23, 8, 5)):
        conversations.request_assign(request=request, assignee=world.alice, by=world.alice)
    _sweep(at(2026, 11, 23, 14, 59))
    request.refresh_from_db()
    assert request.sla_warned_at is None
    assert Notification.objects.count() == 0


def test_the_assignee_is_warned_an_hour_before_once(world, policy, lead, open_request):
    request = open_request(at(2026, 11, 23, 8, 0))
    with clock.travel(at(2026, 11, 23, 8, 5)):
        conversations.request_assign(request=request, assignee=world.alice, by=world.alice)
    _sweep(at(2026, 11, 23, 15, 0))
    _sweep(at(2026, 11, 23, 15, 10))
    request.refresh_from_db()
    assert request.sla_warned_at == at(2026, 11, 23, 15, 0)
    assert request.sla_breached_at is None
    assert _events(request, EventKind.SLA_WARNING) == [
        {"target": "first_response", "due_at": at(2026, 11, 23, 16, 0).isoformat()}
    ]
    notified = Notification.objects.get()
    assert (notified.user, notified.kind, notified.request) == (world.alice, "sla_warning", request)


def test_an_unassigned_request_warns_the_centre_leads(world, policy, lead, open_request):
    request = open_request(at(2026, 11, 23, 8, 0))
    _sweep(at(2026, 11, 23, 15, 30))
    assert list(Notification.objects.values_list("user__username", "request")) == [
        ("lena", request.pk)
    ]


def test_a_missed_deadline_escalates_once(world, policy, lead, escalation_queue, open_request):
    request = open_request(at(2026, 11, 23, 8, 0))
    with clock.travel(at(2026, 11, 23, 8, 5)):
        conversations.request_assign(request=request, assignee=world.alice, by=world.alice)
    _sweep(at(2026, 11, 23, 16, 1))
    _sweep(at(2026, 11, 23, 16, 2))  # a second sweep (or a second worker) changes nothing
    request.refresh_from_db()
    assert request.sla_breached_at == at(2026, 11, 23, 16, 1)
    assert request.sla_warned_at == at(2026, 11, 23, 16, 1)  # late: no warning afterwards
    assert request.priority == Priority.HIGH
    assert request.queue == escalation_queue
    assert _events(request, EventKind.SLA_BREACHED) == [
        {"target": "first_response", "due_at": at(2026, 11, 23, 16, 0).isoformat()}
    ]
    assert _events(request, EventKind.PRIORITY_CHANGED) == [
        {"old": Priority.NORMAL, "new": Priority.HIGH}
    ]
    assert _events(request, EventKind.QUEUE_CHANGED) == [{"old": "", "new": "Eskalace"}]
    assert _events(request, EventKind.ESCALATED) == [
        {"actions": ["notify_lead", "raise_priority", "escalate_to_queue"]}
    ]
    assert _events(request, EventKind.SLA_WARNING) == []
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["lena"]


def test_the_resolution_target_is_escalated_after_the_first_response(
    world, policy, lead, open_request
):
    request = open_request(at(2026, 11, 23, 8, 0))
    _sweep(at(2026, 11, 23, 16, 1))  # the first response is missed
    with clock.travel(at(2026, 11, 24, 9, 0)):
        conversations.request_reply(request=request, by=world.alice, text="Odpověď.")
    request.refresh_from_db()
    assert request.due_at == at(2026, 11, 27, 16, 0)
    assert (request.sla_warned_at, request.sla_breached_at) == (None, None)
    _sweep(at(2026, 11, 27, 16, 30))
    request.refresh_from_db()
    assert request.priority == Priority.URGENT  # raised twice: normal → high → urgent
    assert [e["target"] for e in _events(request, EventKind.SLA_BREACHED)] == [
        "first_response", "resolution",
    ]  # fmt: skip


def test_a_policy_without_escalation_actions_only_records_the_breach(
    world, policy, lead, open_request
):
    policy.notify_lead = policy.raise_priority = False
    policy.escalate_to_queue = None
    policy.save()
    request = open_request(at(2026, 11, 23, 8, 0))
    _sweep(at(2026, 11, 24, 8, 0))
    request.refresh_from_db()
    assert request.sla_breached_at is not None
    assert (request.priority, request.queue_id) == (Priority.NORMAL, None)
    assert _events(request, EventKind.ESCALATED) == [{"actions": []}]
    assert Notification.objects.count() == 0


def test_a_paused_request_is_neither_warned_nor_escalated(world, policy, lead, open_request):
    request = open_request(at(2026, 11, 23, 8, 0))
    with clock.travel(at(2026, 11, 23, 9, 0)):
        conversations.request_set_status(request=request, status="waiting_citizen", by=world.alice)
    _sweep(at(2026, 12, 23, 9, 0))
    request.refresh_from_db()
    assert (request.sla_warned_at, request.sla_breached_at) == (None, None)


def test_the_statutory_deadline_warns_three_working_days_before(world, lead, open_request):
    request = open_request(at(2025, 12, 11, 10, 0), kind=RequestKind.INFORMATION_REQUEST)
    _sweep(at(2025, 12, 18, 23, 0))
    request.refresh_from_db()
    assert request.sla_warned_at is None
    _sweep(at(2025, 12, 19, 0, 5))  # Friday; then 22, 23 Dec, and the last day 29 Dec
    request.refresh_from_db()
    assert request.sla_warned_at == at(2025, 12, 19, 0, 5)
    assert _events(request, EventKind.SLA_WARNING)[0]["target"] == "statutory"
    _sweep(at(2025, 12, 29, 23, 0))
    request.refresh_from_db()
    assert request.sla_breached_at is None
    _sweep(at(2025, 12, 30, 0, 1))
    request.refresh_from_db()
    assert request.sla_breached_at == at(2025, 12, 30, 0, 1)
    assert _events(request, EventKind.SLA_BREACHED)[0]["target"] == "statutory"
    # Without a policy the centre leads hear of it.
    assert Notification.objects.filter(user=lead, request=request).count() == 2


def test_a_sweep_with_nothing_due_is_a_few_queries(
    world, policy, open_request, django_assert_max_num_queries
):
    for day in range(23, 28):
        open_request(at(2026, 11, day, 8, 0))
    # Breaches, the longest warning window, requests within it, information requests near
    # their last day: whether 5 or 5,000 requests are open.
    with django_assert_max_num_queries(4):
        _sweep(at(2026, 11, 23, 9, 0))
    assert not Request.objects.filter(sla_warned_at__isnull=False).exists()


def test_requests_within_the_window_are_read_in_one_query(
    world, policy, open_request, django_assert_max_num_queries
):
    policy.warn_before_minutes = 30
    policy.save()
    for _ in range(5):
        open_request(at(2026, 11, 23, 8, 0))
    # Due at 16:00; another centre's policy warns 8 hours before, so these are candidates
    # that are not due for their own warning yet.
    from vik.sla.models import SlaPolicy

    SlaPolicy.objects.create(
        centre=world.centre_b, first_response_minutes=960, resolution_minutes=2400,
        warn_before_minutes=480,
    )  # fmt: skip
    with django_assert_max_num_queries(6):
        _sweep(at(2026, 11, 23, 12, 0))
    assert not Request.objects.filter(sla_warned_at__isnull=False).exists()
