"""The sweeper's conditions for taking a claim back, and the task rows of dead workers.

A claim made by a `vik worker` names it and comes back as soon as the worker's heartbeat is
older than `VIK_WORKER_HEARTBEAT_TIMEOUT_SECONDS`; a claim made outside a worker comes back
when its lease expires. The real-process version is `tests/test_worker_recovery.py`.
"""

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from vik.channels.core import services
from vik.channels.core import tasks as channel_tasks
from vik.channels.core.choices import OutboundState
from vik.channels.core.models import InboundPayload, OutboundMessage
from vik.channels.core.services.outbound import _claim_outbound_batch
from vik.channels.web.adapter import PAYLOAD_CONTENT_TYPE
from vik.conversations.models import Interaction
from vik.conversations.tests.test_intake import accept, body, database_tasks  # noqa: F401
from vik.core import clock
from vik.core.models import WorkerHeartbeat
from vik.core.tasks import (
    WorkerDied,
    stale_claim,
    tasks_of_dead_workers_count,
    tasks_of_dead_workers_fail,
)
from vik.core.workers import heartbeat_timeout, worker_set

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def worker():
    """This process is `vik worker` "w1", which beat at T0."""
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=T0, beat_at=T0)
    worker_set("w1")
    yield "w1"
    worker_set(None)


def claimed_payload(world, key="claimed"):
    payload = InboundPayload.objects.create(
        account=world.web, idempotency_key=key, body=body(), content_type=PAYLOAD_CONTENT_TYPE,
        received_at=T0, next_attempt_at=T0,
    )  # fmt: skip
    with clock.travel(T0):
        assert services.inbound_claim(payload.pk)
    return payload


def sweep_at(moment):
    with clock.travel(moment):
        return services.channels_sweep()


def test_a_claim_made_outside_a_worker_comes_back_exactly_when_its_lease_expires(world):
    payload = claimed_payload(world)
    assert payload.__class__.objects.get().claimed_by is None
    assert sweep_at(T0 + stale_claim() - SECOND) == (0, 0)
    assert sweep_at(T0 + stale_claim()) == (1, 0)  # was: only after twice the stale time
    payload.refresh_from_db()
    assert (payload.claim_token, payload.next_attempt_at) == (None, T0 + stale_claim())
    assert sweep_at(T0 + stale_claim() + SECOND) == (0, 0)  # released: not taken again


def test_a_claim_comes_back_once_its_workers_heartbeat_is_stale(world, worker):
    payload = claimed_payload(world)
    payload.refresh_from_db()
    assert payload.claimed_by == "w1"
    assert heartbeat_timeout() < stale_claim()
    assert sweep_at(T0 + heartbeat_timeout() - SECOND) == (0, 0)  # the worker may be alive
    assert sweep_at(T0 + heartbeat_timeout()) == (1, 0)  # its last beat is that old: dead
    payload.refresh_from_db()
    assert (payload.claim_token, payload.claimed_by) == (None, None)


def test_a_claim_of_a_worker_that_beats_stays_with_it_past_the_lease(world, worker):
    claimed_payload(world)
    later = T0 + 3 * stale_claim()
    WorkerHeartbeat.objects.update(beat_at=later - SECOND)
    assert sweep_at(later) == (0, 0)


def test_a_claim_of_a_worker_without_a_heartbeat_comes_back_at_once(world, worker):
    claimed_payload(world)
    WorkerHeartbeat.objects.all().delete()
    assert sweep_at(T0 + SECOND) == (1, 0)


def test_a_failed_attempt_ends_the_claim_and_waits_for_its_backoff(world, worker):
    payload = claimed_payload(world)
    InboundPayload.objects.filter(pk=payload.pk).update(claim_token=None, claimed_by=None)
    with clock.travel(T0 + 3 * heartbeat_timeout()):  # the worker is dead by now
        assert services.channels_sweep() == (0, 0)  # its retry has a task of its own


def sending_message(world):
    with clock.travel(T0):
        accept(world)
    interaction = Interaction.objects.first()
    message = OutboundMessage.objects.create(
        account=world.web, interaction=interaction, recipient="x@example.cz", next_attempt_at=T0
    )
    with clock.travel(T0):
        assert _claim_outbound_batch(10) == [message.pk]
    return message


def test_an_outbound_claim_made_outside_a_worker_comes_back_when_its_lease_expires(world):
    message = sending_message(world)
    assert sweep_at(T0 + stale_claim() - SECOND) == (0, 0)
    assert sweep_at(T0 + stale_claim()) == (0, 1)
    message.refresh_from_db()
    assert (message.state, message.claimed_by) == (OutboundState.QUEUED, None)


def test_an_outbound_claim_follows_its_workers_heartbeat(world, worker):
    message = sending_message(world)
    assert OutboundMessage.objects.get(pk=message.pk).claimed_by == "w1"
    WorkerHeartbeat.objects.update(beat_at=T0 + stale_claim())
    assert sweep_at(T0 + stale_claim() + SECOND) == (0, 0)  # alive past the lease
    assert sweep_at(T0 + stale_claim() + heartbeat_timeout()) == (0, 1)


def test_running_tasks_of_dead_workers_are_marked_failed(world, database_tasks, worker, client):  # noqa: F811
    channel_tasks.outbound_drain_task.enqueue()
    channel_tasks.outbound_drain_task.enqueue()
    first, second = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=first.pk).update(
        status="RUNNING", worker_ids=["w0", "w1"], started_at=T0
    )  # w1 runs it (w0 ran it before, and died)
    DBTaskResult.objects.filter(pk=second.pk).update(
        status="RUNNING", worker_ids=["gone"], started_at=T0
    )  # a worker without a heartbeat row: judged by the task's age
    with clock.travel(T0 + heartbeat_timeout() - SECOND):
        assert (tasks_of_dead_workers_count(), tasks_of_dead_workers_fail()) == (0, 0)
    with clock.travel(T0 + heartbeat_timeout()):
        assert tasks_of_dead_workers_count() == 1
        assert client.get("/healthz").json()["tasks"]["running_of_dead_workers"] == 1
        assert tasks_of_dead_workers_fail() == 1
    first.refresh_from_db()
    assert (first.status, first.exception_class_path) == (
        "FAILED",
        f"{WorkerDied.__module__}.WorkerDied",
    )
    assert "w1 died" in first.traceback
    with clock.travel(T0 + stale_claim()):
        assert tasks_of_dead_workers_fail() == 1  # the one without a heartbeat, after the lease
    WorkerHeartbeat.objects.update(beat_at=T0 + stale_claim())
    DBTaskResult.objects.filter(pk=first.pk).update(status="RUNNING")
    with clock.travel(T0 + stale_claim() + SECOND):
        assert tasks_of_dead_workers_fail() == 0  # its worker beats: it runs
