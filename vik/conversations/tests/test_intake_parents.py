"""A reply whose parent message is stored but not yet applied waits for it instead of opening a
request of its own (`vik.conversations.services.parents`)."""

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from vik.channels.core import services
from vik.channels.core.base import PayloadRejected
from vik.channels.core.choices import ChannelKind, PayloadState
from vik.channels.core.models import ChannelAccount, InboundPayload, OutboundMessage
from vik.channels.mail.parser import idempotency_key
from vik.conversations.models import Interaction, Request
from vik.conversations.services import inbound as inbound_services
from vik.conversations.services import intake
from vik.core import clock

NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def mail(message_id: str, subject: str, in_reply_to: str = "") -> bytes:
    message = EmailMessage()
    message["From"] = "Jana Dvořáková <jana@example.cz>"
    message["To"] = "podatelna@jihlava.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(NOW)
    message["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
        message["References"] = f"<{in_reply_to}>"
    message.set_content(f"Dobrý den, {subject.lower()}.")
    return message.as_bytes()


@pytest.fixture
def mailbox(world):
    return ChannelAccount.objects.create(
        region=world.region, centre=world.centre_a, kind=ChannelKind.EMAIL,
        name="podatelna-parents", settings={"smtp": {"from": "podatelna@jihlava.example"}},
    )  # fmt: skip


def store(account, raw):
    """A payload as it waits after arriving: stored, no task run yet."""
    return InboundPayload.objects.create(
        account=account, idempotency_key=idempotency_key(raw), body=raw,
        content_type="message/rfc822", received_at=clock.now(), next_attempt_at=clock.now(),
    )  # fmt: skip


def acknowledgements():
    return OutboundMessage.objects.count()


def waited_until(payload):
    payload.refresh_from_db()
    assert payload.state == PayloadState.PENDING
    assert "waits for its parent message" in payload.last_error
    return payload.next_attempt_at


def test_a_reply_processed_before_its_pending_parent_waits_and_joins_its_request(mailbox):
    parent = store(mailbox, mail("parent-1@example.cz", "Díra v silnici"))
    reply = store(mailbox, mail("reply-1@example.cz", "Re: Díra v silnici", "parent-1@example.cz"))

    intake.inbound_process(payload_id=reply.pk)  # the parent's batch was lost with its worker

    retry_at = waited_until(reply)
    assert retry_at - clock.now() <= dt.timedelta(seconds=2)
    reply.refresh_from_db()
    assert reply.attempts == 0  # waiting is no failed attempt
    assert Request.objects.count() == 0
    intake.inbound_process(payload_id=reply.pk)  # a task run early: it waits once more
    assert Request.objects.count() == 0

    intake.inbound_process(payload_id=parent.pk)
    with clock.travel(retry_at + dt.timedelta(seconds=1)):
        intake.inbound_process(payload_id=reply.pk)

    (request,) = Request.objects.all()
    pairs = Interaction.objects.filter(inbound_payload__isnull=False).values_list(
        "inbound_payload_id", "request_id"
    )
    assert set(pairs) == {(parent.pk, request.pk), (reply.pk, request.pk)}
    assert acknowledgements() == 1
    reply.refresh_from_db()
    assert reply.state == PayloadState.PROCESSED
    assert reply.metadata["thread_waits"] == 2


def test_a_reply_waits_for_a_parent_that_failed_once(mailbox, monkeypatch):
    parent = store(mailbox, mail("parent-2@example.cz", "Lampa nesvítí"))
    reply = store(mailbox, mail("reply-2@example.cz", "Re: Lampa nesvítí", "parent-2@example.cz"))
    apply = inbound_services.inbound_apply

    def fails_for_the_parent(*, account, payload, message):
        if payload.pk == parent.pk:
            raise RuntimeError("database hiccup")
        return apply(account=account, payload=payload, message=message)

    monkeypatch.setattr(inbound_services, "inbound_apply", fails_for_the_parent)
    assert intake.inbound_drain() == 2  # one batch: the parent fails, its reply waits

    parent.refresh_from_db()
    assert parent.state == PayloadState.PENDING and parent.attempts == 1
    retry_at = waited_until(reply)
    assert Request.objects.count() == 0
    monkeypatch.setattr(inbound_services, "inbound_apply", apply)

    with clock.travel(retry_at + dt.timedelta(seconds=1)):  # the parent still waits its retry
        intake.inbound_process(payload_id=reply.pk)
        second = waited_until(reply)
    with clock.travel(parent.next_attempt_at + dt.timedelta(seconds=1)):
        intake.inbound_process(payload_id=parent.pk)
        intake.inbound_process(payload_id=reply.pk)
    assert second > retry_at

    (request,) = Request.objects.all()
    assert Interaction.objects.filter(request=request, inbound_payload__isnull=False).count() == 2
    assert acknowledgements() == 1


def test_in_one_batch_a_reply_stored_before_its_parent_is_applied_after_it(mailbox):
    grandchild = store(mailbox, mail("c-3@example.cz", "Re: Re: Koš", "b-3@example.cz"))
    reply = store(mailbox, mail("b-3@example.cz", "Re: Koš", "a-3@example.cz"))
    parent = store(mailbox, mail("a-3@example.cz", "Koš"))

    assert intake.inbound_drain() == 3

    (request,) = Request.objects.all()
    interactions = Interaction.objects.filter(inbound_payload__isnull=False).order_by("pk")
    assert [i.inbound_payload_id for i in interactions] == [parent.pk, reply.pk, grandchild.pk]
    assert {i.request_id for i in interactions} == {request.pk}
    assert acknowledgements() == 1
    assert set(InboundPayload.objects.values_list("state", flat=True)) == {PayloadState.PROCESSED}


def test_a_quarantined_parent_releases_its_reply_with_the_reason(mailbox, monkeypatch):
    parent = store(mailbox, mail("parent-4@example.cz", "Hluk"))
    reply = store(mailbox, mail("reply-4@example.cz", "Re: Hluk", "parent-4@example.cz"))

    intake.inbound_process(payload_id=reply.pk)
    retry_at = waited_until(reply)
    services.inbound_quarantine(payload=parent, reason="the message cannot be read")
    with clock.travel(retry_at + dt.timedelta(seconds=1)):
        intake.inbound_process(payload_id=reply.pk)

    reply.refresh_from_db()
    assert reply.state == PayloadState.PROCESSED
    note = f"its parent message (payload {parent.pk}) was quarantined: the message cannot be read"
    assert reply.last_error == note
    assert reply.metadata["thread_note"] == note
    assert Request.objects.count() == 1 and acknowledgements() == 1


def test_a_parent_quarantined_in_the_same_batch_releases_its_reply(mailbox, monkeypatch):
    parent = store(mailbox, mail("parent-5@example.cz", "Strom"))
    reply = store(mailbox, mail("reply-5@example.cz", "Re: Strom", "parent-5@example.cz"))
    apply = inbound_services.inbound_apply

    def rejects_the_parent(*, account, payload, message):
        if payload.pk == parent.pk:
            raise PayloadRejected("unreadable")
        return apply(account=account, payload=payload, message=message)

    monkeypatch.setattr(inbound_services, "inbound_apply", rejects_the_parent)
    intake.inbound_drain()

    parent.refresh_from_db()
    reply.refresh_from_db()
    assert parent.state == PayloadState.QUARANTINED
    assert reply.state == PayloadState.PROCESSED
    assert f"payload {parent.pk}" in reply.metadata["thread_note"]
    assert Request.objects.count() == 1


def test_a_reply_to_nothing_pending_opens_a_request_at_once(mailbox):
    reply = store(mailbox, mail("reply-6@example.cz", "Re: Něco", "unknown-6@example.cz"))

    intake.inbound_process(payload_id=reply.pk)

    reply.refresh_from_db()
    assert reply.state == PayloadState.PROCESSED and "thread_waits" not in reply.metadata
    assert Request.objects.count() == 1 and acknowledgements() == 1


def test_a_reply_waits_no_longer_than_the_limit(mailbox, settings):
    settings.VIK_INBOUND_PARENT_WAIT_SECONDS = 60
    store(mailbox, mail("parent-7@example.cz", "Voda"))
    reply = store(mailbox, mail("reply-7@example.cz", "Re: Voda", "parent-7@example.cz"))
    moment = clock.now()
    for _wait in range(10):
        with clock.travel(moment):
            intake.inbound_process(payload_id=reply.pk)
        reply.refresh_from_db()
        if reply.state != PayloadState.PENDING:
            break
        moment = reply.next_attempt_at + dt.timedelta(seconds=1)

    assert reply.state == PayloadState.PROCESSED
    assert 3 <= reply.metadata["thread_waits"] <= 7
    assert "was not applied within" in reply.last_error
    assert Request.objects.count() == 1


def test_a_waiting_reply_is_woken_when_its_parent_is_applied(
    mailbox, django_capture_on_commit_callbacks
):
    """Not at the end of its backoff: at once, by the batch that applies the parent."""
    parent = store(mailbox, mail("parent-w@example.cz", "Spadlý strom"))
    reply = store(mailbox, mail("reply-w@example.cz", "Re: Spadlý strom", "parent-w@example.cz"))
    with django_capture_on_commit_callbacks(execute=False):
        intake.inbound_process(payload_id=reply.pk)
    assert waited_until(reply) > clock.now()
    assert reply.metadata["thread_parent"] == parent.pk

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        intake.inbound_process(payload_id=parent.pk)  # its task wakes the reply: it runs now

    assert len(callbacks) >= 1
    reply.refresh_from_db()
    assert reply.state == PayloadState.PROCESSED
    (request,) = Request.objects.all()
    assert set(
        Interaction.objects.filter(inbound_payload__isnull=False).values_list(
            "inbound_payload_id", "request_id"
        )
    ) == {(parent.pk, request.pk), (reply.pk, request.pk)}
