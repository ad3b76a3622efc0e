"""Malformed MIME never stops a batch: every message ends filed, quarantined or ignored, each
with its reason (hypothesis)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vik.channels.core import services
from vik.channels.core.choices import ChannelKind, PayloadState
from vik.channels.core.models import ChannelAccount, InboundPayload
from vik.conversations.services import intake

VALID = (
    b"From: =?windows-1250?q?Ji=F8=ED_Nov=E1k?= <jiri@example.cz>\r\n"
    b"To: podatelna@example.cz\r\n"
    b"Subject: =?utf-8?b?xb3DoWRvc3Qgbw==?= informace\r\n"
    b"Message-ID: <m1@example.cz>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n'
    b"--XX\r\nContent-Type: text/plain; charset=iso-8859-2\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    b"Dobr=FD den, =BE=E1d=E1m o informace.\r\n"
    b"--XX\r\nContent-Type: application/pdf; name*=utf-8''%C5%BE%C3%A1dost.pdf\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--XX--\r\n"
)


@st.composite
def damaged(draw):
    raw = bytearray(VALID)
    for _ in range(draw(st.integers(0, 12))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "duplicate"]))
        position = draw(st.integers(0, max(len(raw) - 1, 0)))
        if action == "flip" and raw:
            raw[position] = draw(st.integers(0, 255))
        elif action == "cut":
            del raw[position : position + draw(st.integers(1, 80))]
        elif action == "insert":
            raw[position:position] = draw(st.binary(min_size=1, max_size=40))
        else:
            raw[position:position] = raw[position : position + draw(st.integers(1, 120))]
    return bytes(raw)


@pytest.fixture
def mailbox(world):
    return ChannelAccount.objects.create(
        region=world.region, kind=ChannelKind.EMAIL, name="podatelna",
        settings={"acknowledge": False},
    )  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(st.one_of(damaged(), st.binary(max_size=600)), min_size=1, max_size=6))
def test_every_message_ends_filed_quarantined_or_ignored(mailbox, batch):
    stored = []
    for number, raw in enumerate(batch):
        payload, _ = services.inbound_accept(
            account=mailbox,
            idempotency_key=f"hypothesis-{id(batch)}-{number}",
            body=raw,
            content_type="message/rfc822",
        )
        stored.append(payload.pk)
    for pk in stored:  # one worker's batch: a bad message must not stop the next one
        intake.inbound_process(payload_id=pk)
    for payload in InboundPayload.objects.filter(pk__in=stored):
        assert payload.state in {
            PayloadState.PROCESSED,
            PayloadState.QUARANTINED,
            PayloadState.IGNORED,
        }, (payload.state, payload.last_error)
        if payload.state == PayloadState.PROCESSED:
            assert payload.interaction.request_id
        else:
            assert payload.quarantine_reason
        assert payload.last_error == "" or payload.state != PayloadState.PROCESSED
