"""Outbound mail is sent in batches through one SMTP connection, and one refused recipient
does not stop the others."""

import smtplib
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import make_msgid

from django.core.mail import EmailMessage as DjangoMessage

from vik.channels.core import services
from vik.channels.core.choices import OutboundState
from vik.channels.core.models import InboundPayload, MessageReference, OutboundMessage
from vik.conversations.choices import EventKind
from vik.conversations.models import TimelineEvent
from vik.conversations.services import intake
from vik.core import clock
from vik.testing.fixtures import run_on_commit


def arrive(mailbox, sender: str, number: int) -> InboundPayload:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "podatelna@jihlava.example"
    message["Subject"] = f"Dotaz číslo {number}"
    message["Message-ID"] = make_msgid(domain="example.cz")
    message.set_content("Dobrý den, mám dotaz. Děkuji.")
    return InboundPayload.objects.create(
        account=mailbox, idempotency_key=f"out-{number}", body=message.as_bytes(),
        content_type="message/rfc822", received_at=clock.now(), next_attempt_at=clock.now(),
    )  # fmt: skip


def test_a_burst_of_acknowledgements_goes_out_through_one_connection(world, mailbox, smtp_sink):
    senders = [f"obcan{n}@example.cz" for n in range(6)]
    smtp_sink.refuse.add(senders[3])
    asked = {}  # sender -> the Message-ID of the citizen's message
    for number, sender in enumerate(senders):
        payload = arrive(mailbox, sender, number)
        asked[sender] = message_from_bytes(bytes(payload.body))["Message-ID"]

    with run_on_commit():  # the inbound drain commits, its outbound drain runs at once
        assert intake.inbound_drain() == 6

    delivered = sorted(str(m["To"]) for m in smtp_sink.messages)
    assert delivered == sorted(s for s in senders if s != senders[3])
    # Each acknowledgement answers its own citizen's message (threads in their mail client).
    for message in smtp_sink.messages:
        assert message["In-Reply-To"] == asked[str(message["To"])]
        assert message["References"] == asked[str(message["To"])]
    assert len(set(smtp_sink.peers)) == 1  # one SMTP connection for the whole batch
    states = dict(OutboundMessage.objects.values_list("recipient", "state"))
    assert states.pop(senders[3]) == OutboundState.FAILED
    assert set(states.values()) == {OutboundState.SENT}
    refused = OutboundMessage.objects.get(recipient=senders[3])
    assert "refused" in refused.last_error
    assert TimelineEvent.objects.filter(
        kind=EventKind.DELIVERY_FAILED, request=refused.interaction.request
    ).exists()
    # Every sent message is remembered by its Message-ID, for the answers that will quote it.
    assert MessageReference.objects.filter(outbound__state=OutboundState.SENT).count() == 5


def test_a_server_that_drops_the_connection_costs_one_retry_not_the_batch(
    world, mailbox, smtp_sink, monkeypatch
):
    from vik.channels.mail import smtp

    for number in range(4):
        arrive(mailbox, f"obcan{number}@example.cz", number)
    with run_on_commit():
        monkeypatch.setattr(services, "outbound_drain", lambda **kwargs: 0)  # sent below
        intake.inbound_drain()
    monkeypatch.undo()
    sent = {"n": 0}
    original = DjangoMessage.send

    def flaky(self, fail_silently=False):
        sent["n"] += 1
        if sent["n"] == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return original(self, fail_silently)

    monkeypatch.setattr(DjangoMessage, "send", flaky)
    assert services.outbound_drain() == 4
    assert smtp._open_connections.get() is None  # the batch's connections are closed
    states = sorted(OutboundMessage.objects.values_list("state", flat=True))
    assert states == [OutboundState.QUEUED] + [OutboundState.SENT] * 3
    retry = OutboundMessage.objects.get(state=OutboundState.QUEUED)
    assert retry.next_attempt_at > clock.now()  # waits for its backoff, then alone
    assert len(smtp_sink.messages) == 3
