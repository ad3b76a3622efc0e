"""Inbound payloads: stored before processing, processed exactly once, retried, quarantined."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vik.channels.core import services
from vik.channels.core.choices import PayloadState
from vik.channels.core.models import InboundPayload
from vik.channels.web.adapter import PAYLOAD_CONTENT_TYPE, payload_body
from vik.contacts.models import Contact
from vik.conversations.models import Interaction, Request
from vik.conversations.services import inbound as inbound_services
from vik.conversations.services import intake
from vik.core import clock
from vik.core.tasks import stale_claim
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import JIHLAVA


@pytest.fixture
def database_tasks(settings):
    """django-tasks' database backend instead of the tests' immediate one."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "inbound", "outbound"],
        }
    }


def body(**overrides):
    fields = {
        "kind": "request",
        "name": "Jan Novák",
        "email": "jan.novak@example.cz",
        "municipality_code": JIHLAVA,
        "message": "Dobrý den, jak si podám žádost o pas?",
    }
    fields.update(overrides)
    return payload_body(fields)


def accept(world, key="k-1", **overrides):
    with run_on_commit():
        return services.inbound_accept(
            account=world.web,
            idempotency_key=key,
            body=body(**overrides),
            content_type=PAYLOAD_CONTENT_TYPE,
        )


def test_the_same_payload_twice_makes_one_interaction(world):
    first, created_first = accept(world)
    second, created_second = accept(world, message="a different body under the same key")

    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert InboundPayload.objects.count() == 1
    assert Interaction.objects.count() == 1
    assert bytes(InboundPayload.objects.get().body) == body()  # the first one is kept


def test_processing_again_does_nothing(world):
    payload, _ = accept(world)
    intake.inbound_process(payload_id=payload.pk)
    intake.inbound_process(payload_id=payload.pk)
    assert Interaction.objects.filter(inbound_payload=payload).count() == 1
    assert Request.objects.count() == 1


def test_a_failed_processing_is_retried_and_processed_once(world, monkeypatch):
    real_apply = inbound_services.inbound_apply
    calls = {"n": 0}

    def flaky_apply(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("database went away")
        return real_apply(**kwargs)

    monkeypatch.setattr(inbound_services, "inbound_apply", flaky_apply)
    payload, _ = accept(world)
    payload.refresh_from_db()
    assert payload.state == PayloadState.PENDING
    assert payload.attempts == 1
    assert "database went away" in payload.last_error
    assert Interaction.objects.count() == 0

    # Not due yet: a second task for it changes nothing.
    intake.inbound_process(payload_id=payload.pk)
    assert calls["n"] == 1

    with clock.travel(payload.next_attempt_at + dt.timedelta(seconds=1)):
        intake.inbound_process(payload_id=payload.pk)
    payload.refresh_from_db()
    assert payload.state == PayloadState.PROCESSED
    assert payload.attempts == 2
    assert Interaction.objects.filter(inbound_payload=payload).count() == 1


def test_a_payload_that_always_fails_ends_in_quarantine_with_the_reason(
    world, monkeypatch, settings
):
    settings.VIK_INBOUND_MAX_ATTEMPTS = 3

    def broken_apply(**kwargs):
        raise RuntimeError("bug in processing")

    monkeypatch.setattr(inbound_services, "inbound_apply", broken_apply)
    payload, _ = accept(world)
    for _ in range(3):
        payload.refresh_from_db()
        if payload.state != PayloadState.PENDING:
            break
        with clock.travel(payload.next_attempt_at + dt.timedelta(seconds=1)):
            intake.inbound_process(payload_id=payload.pk)
    payload.refresh_from_db()
    assert payload.state == PayloadState.QUARANTINED
    assert (
        payload.quarantine_reason
        == "gave up after 3 attempts; last: RuntimeError: bug in processing"
    )
    assert bytes(payload.body) == body()  # nothing is lost


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe not json", "The web-form payload is not JSON"),
        (json.dumps({"schema": 1, "message": ""}).encode(), "The message is empty."),
        (
            json.dumps({"schema": 1, "message": "Ahoj"}).encode(),
            "The citizen gave no e-mail address and no phone number.",
        ),
    ],
)
def test_a_payload_that_can_never_be_processed_is_quarantined_at_once(world, raw, reason):
    with run_on_commit():
        payload, _ = services.inbound_accept(
            account=world.web, idempotency_key="bad", body=raw, content_type=PAYLOAD_CONTENT_TYPE
        )
    payload.refresh_from_db()
    assert payload.state == PayloadState.QUARANTINED
    assert payload.quarantine_reason.startswith(reason)
    assert payload.attempts == 1
    assert Request.objects.count() == 0


def test_a_quarantined_payload_can_be_processed_again(world):
    with run_on_commit():
        payload, _ = services.inbound_accept(
            account=world.web, idempotency_key="later", body=b"{}", content_type="x"
        )
    payload.refresh_from_db()
    assert payload.state == PayloadState.QUARANTINED
    InboundPayload.objects.filter(pk=payload.pk).update(body=body())  # the administrator fixed it
    with run_on_commit():
        services.inbound_retry(payload=payload)
    payload.refresh_from_db()
    assert payload.state == PayloadState.PROCESSED


def test_the_sweeper_picks_up_a_payload_whose_task_was_lost(world):
    # Stored, but the enqueue never happened (the process died right after the commit).
    payload = InboundPayload.objects.create(
        account=world.web,
        idempotency_key="orphan",
        body=body(),
        content_type=PAYLOAD_CONTENT_TYPE,
        received_at=clock.now(),
        next_attempt_at=clock.now(),
    )
    assert services.channels_sweep() == (0, 0)  # too fresh: its task may still be on the way
    with clock.travel(clock.now() + dt.timedelta(minutes=5)), run_on_commit():
        assert services.channels_sweep() == (1, 0)
    payload.refresh_from_db()
    assert payload.state == PayloadState.PROCESSED
    assert Interaction.objects.filter(inbound_payload=payload).count() == 1


def test_the_sweeper_leaves_work_that_waits_in_a_backlog(world, database_tasks):
    for number in range(3):
        with run_on_commit():
            services.inbound_accept(
                account=world.web, idempotency_key=f"b-{number}", body=body(),
                content_type=PAYLOAD_CONTENT_TYPE,
            )  # fmt: skip
    later = clock.now() + 2 * stale_claim()
    with clock.travel(later):
        assert services.channels_sweep() == (0, 0)  # their tasks still wait for a worker
        DBTaskResult.objects.update(status="RUNNING")  # taken by a worker that was killed
        assert services.channels_sweep() == (3, 0)


def test_the_sweeper_takes_back_the_claim_of_a_dead_worker(world):
    payload = InboundPayload.objects.create(
        account=world.web,
        idempotency_key="claimed",
        body=body(),
        content_type=PAYLOAD_CONTENT_TYPE,
        received_at=clock.now(),
        next_attempt_at=clock.now(),
    )
    assert services.inbound_claim(payload.pk)  # ... and the worker was killed
    assert services.channels_sweep() == (0, 0)  # its lease still runs
    with clock.travel(clock.now() + 2 * stale_claim()), run_on_commit():
        assert services.channels_sweep() == (1, 0)
    payload.refresh_from_db()
    assert (payload.state, payload.attempts) == (PayloadState.PROCESSED, 2)


def test_a_worker_that_outlived_its_claim_changes_nothing(world, monkeypatch):
    payload = InboundPayload.objects.create(
        account=world.web,
        idempotency_key="paused",
        body=body(),
        content_type=PAYLOAD_CONTENT_TYPE,
        received_at=clock.now(),
        next_attempt_at=clock.now(),
    )
    token = services.inbound_claim(payload.pk)  # worker A claims it, then stalls
    assert token is not None
    with clock.travel(clock.now() + 3 * stale_claim()):
        with run_on_commit():
            assert services.channels_sweep() == (1, 0)  # worker B gets it and processes it
        monkeypatch.setattr(services, "inbound_claim", lambda payload_id: token)
        intake.inbound_process(payload_id=payload.pk)  # worker A wakes up
    payload.refresh_from_db()
    assert (payload.state, payload.attempts, payload.last_error) == (PayloadState.PROCESSED, 2, "")
    assert Interaction.objects.filter(inbound_payload=payload).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_processes_the_queue(world, settings, database_tasks):
    """The real task backend and worker (`vik worker --batch`), on SQLite and PostgreSQL."""
    settings.VIK_TASK_GATHER_SECONDS = 0  # --batch stops when no task is due
    for number in range(5):
        services.inbound_accept(
            account=world.web,
            idempotency_key=f"w-{number}",
            body=body(email=f"citizen{number}@example.cz"),
            content_type=PAYLOAD_CONTENT_TYPE,
        )
    # A duplicate delivery of one of them: stored once, processed once.
    services.inbound_accept(
        account=world.web, idempotency_key="w-0", body=body(), content_type=PAYLOAD_CONTENT_TYPE
    )
    assert Interaction.objects.count() == 0  # nothing happens until a worker runs

    call_command("worker", batch=True, verbosity=0)

    assert InboundPayload.objects.filter(state=PayloadState.PROCESSED).count() == 5
    assert Interaction.objects.count() == 5
    assert Request.objects.count() == 5
    assert sorted(Request.objects.values_list("reference", flat=True)) == [
        f"VYS-{clock.today().year}-{n:06d}" for n in range(1, 6)
    ]
    # The five arrivals woke one drain, not a task each.
    assert DBTaskResult.objects.filter(task_path__endswith=".inbound_drain_task").count() == 1
    assert connection.vendor in {"sqlite", "postgresql"}


def stored(world, count, prefix="b"):
    """Payloads as they wait after a burst: stored, no task run yet."""
    return [
        InboundPayload.objects.create(
            account=world.web,
            idempotency_key=f"{prefix}-{number}",
            body=body(email=f"burst{number}@example.cz", name=f"Občan {number}"),
            content_type=PAYLOAD_CONTENT_TYPE,
            received_at=clock.now(),
            next_attempt_at=clock.now(),
        )
        for number in range(count)
    ]


def test_a_burst_is_drained_in_batches_in_arrival_order(world, settings):
    settings.VIK_INBOUND_BATCH_SIZE = 4
    payloads = stored(world, 10)

    assert intake.inbound_drain() == 10

    assert set(InboundPayload.objects.values_list("state", flat=True)) == {PayloadState.PROCESSED}
    requests = Request.objects.order_by("reference")
    assert [r.requester.name for r in requests] == [f"Občan {n}" for n in range(10)]
    assert [i.inbound_payload_id for i in Interaction.objects.order_by("request__reference")] == [
        p.pk for p in payloads
    ]
    assert intake.inbound_drain() == 0  # nothing twice


def test_one_broken_payload_in_a_batch_does_not_hold_up_the_others(world, monkeypatch):
    real_build = inbound_services._inbound_interaction
    payloads = stored(world, 5)
    poisoned = payloads[2].pk

    def build(account, payload, *args):
        if payload.pk == poisoned:
            raise RuntimeError("bug triggered by this message")
        return real_build(account, payload, *args)

    # It breaks the batch's set-based step too: the batch is then applied one by one.
    monkeypatch.setattr(inbound_services, "_inbound_interaction", build)
    assert intake.inbound_drain() == 5

    states = dict(InboundPayload.objects.values_list("pk", "state"))
    assert [states[p.pk] for p in payloads] == [
        PayloadState.PROCESSED, PayloadState.PROCESSED, PayloadState.PENDING,
        PayloadState.PROCESSED, PayloadState.PROCESSED,
    ]  # fmt: skip
    failed = InboundPayload.objects.get(pk=poisoned)
    assert failed.attempts == 1
    assert failed.last_error == "RuntimeError: bug triggered by this message"
    # References are handed out without a gap for the one that rolled back.
    assert sorted(Request.objects.values_list("reference", flat=True)) == [
        f"VYS-{clock.today().year}-{n:06d}" for n in range(1, 5)
    ]
    assert Contact.objects.count() == 4  # the batch's rolled-back step left nothing behind
    # A retry is never batched again: the next drain leaves it to its own task.
    with clock.travel(failed.next_attempt_at + dt.timedelta(seconds=1)):
        assert intake.inbound_drain() == 0
        monkeypatch.setattr(inbound_services, "_inbound_interaction", real_build)
        intake.inbound_process(payload_id=poisoned)
    assert InboundPayload.objects.get(pk=poisoned).state == PayloadState.PROCESSED


def test_a_long_burst_hands_over_to_a_new_drain_task(world, settings):
    settings.VIK_INBOUND_BATCH_SIZE = 2
    stored(world, 7)
    with run_on_commit():  # the immediate backend runs the next drain at once
        assert intake.inbound_drain(max_batches=2) == 4
    assert not InboundPayload.objects.filter(state=PayloadState.PENDING).exists()
    assert Interaction.objects.count() == 7


def test_a_batch_claimed_by_a_worker_that_died_comes_back_one_by_one(world):
    payloads = stored(world, 3)
    token, ids = services.inbound_claim_batch(10)  # ... and the worker was killed
    assert ids == [p.pk for p in payloads]
    assert intake.inbound_drain() == 0  # claimed: nobody else takes them meanwhile
    with clock.travel(clock.now() + 2 * stale_claim()), run_on_commit():
        assert services.channels_sweep() == (3, 0)
    assert list(InboundPayload.objects.values_list("state", "attempts").distinct()) == [
        (PayloadState.PROCESSED, 2)
    ]
    intake._process_claimed(token, ids)  # the old claim, if it ever wakes up: no effect
    assert Interaction.objects.count() == 3


def test_a_burst_wakes_one_drain_that_waits_a_moment_for_more(world, settings, database_tasks):
    settings.VIK_TASK_GATHER_SECONDS = 0.2
    for number in range(3):
        with run_on_commit():
            services.inbound_accept(
                account=world.web, idempotency_key=f"g-{number}", body=body(),
                content_type=PAYLOAD_CONTENT_TYPE,
            )  # fmt: skip
    drain = DBTaskResult.objects.get(task_path__endswith=".inbound_drain_task")
    assert dt.timedelta(seconds=0.1) < drain.run_after - drain.enqueued_at < dt.timedelta(seconds=1)
    # The deferred drain is work on its way: the sweeper does not add to it.
    with clock.travel(clock.now() + 2 * stale_claim()):
        assert services.channels_sweep() == (0, 0)


def test_within_the_gather_time_a_submission_does_not_ask_the_queue(
    world, settings, database_tasks, monkeypatch
):
    """The drain this process deferred cannot have started before its run_after: the form's
    POSTs meanwhile need no query for a waiting task, and still make one drain."""
    from vik.core import tasks

    settings.VIK_TASK_GATHER_SECONDS = 5
    asked = []
    real_waiting = tasks._waiting
    monkeypatch.setattr(tasks, "_waiting", lambda task: asked.append(task) or real_waiting(task))
    for number in range(3):
        accept(world, key=f"w-{number}")
    assert len(asked) == 1  # only the first asked
    assert DBTaskResult.objects.filter(task_path__endswith=".inbound_drain_task").count() == 1
    # Once the drain may have started, the next one asks again (and finds it still waiting).
    later = timezone.now() + dt.timedelta(seconds=6)
    monkeypatch.setattr(tasks.timezone, "now", lambda: later)
    accept(world, key="w-late")
    assert len(asked) == 2
    assert DBTaskResult.objects.filter(task_path__endswith=".inbound_drain_task").count() == 1
