"""The reply form's "Send by": a request a clerk recorded (phone, counter, letter) has no channel
account, yet its citizen gets the answer by e-mail or SMS when the contact has an address or a
number, and answers back into the same request; an opted-out number is neither offered nor
accepted; a contact with neither reads the reply on the tracking page only."""

from __future__ import annotations

import io
import re
import sys
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import pytest
from django.core.management import call_command

from vik.channels.core.choices import ChannelKind, OutboundState
from vik.channels.core.models import ChannelAccount, OutboundMessage
from vik.channels.sms.models import SmsOptOut
from vik.conversations.choices import Direction
from vik.conversations.models import Interaction, Request
from vik.core import clock
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World
from vik.testing.smtp import SmtpSink

from .test_request_new import form_data, record

pytestmark = pytest.mark.django_db

PHONE = "+420777123456"
ANSWER = "Úřad má v sobotu otevřeno od 8 do 11 hodin."


@pytest.fixture
def accounts(world: World, settings: Any) -> tuple[ChannelAccount, ChannelAccount]:
    """The region's e-mail and SMS accounts (no SMSC: SMS go to the console transport)."""
    settings.VIK_SMS_TRANSPORT = "console"
    mail = ChannelAccount.objects.create(
        region=world.region, kind=ChannelKind.EMAIL, name="podatelna-kraj",
        settings={"smtp": {"from": "podatelna@kr-vysocina.example"}, "acknowledge": False},
    )  # fmt: skip
    sms = ChannelAccount.objects.create(region=world.region, kind=ChannelKind.SMS, name="sms-kraj")
    return mail, sms


def recorded(client: Any, world: World, **overrides: Any) -> Request:
    record(client, form_data(world, **overrides))
    return Request.objects.get()


def offered(page: str) -> dict[str, bool]:
    """The "Send by" radio buttons: value -> checked."""
    found = re.findall(r'<input type="radio" name="route" value="([^"]*)"([^>]*)>', page)
    return {value: "checked" in rest for value, rest in found}


def reply(client: Any, request: Request, route: str) -> Any:
    with run_on_commit():
        return client.post(
            f"/staff/requests/{request.reference}/reply",
            {"text": ANSWER, "status": "", "route": route},
        )


def citizen_mail(*, subject: str, in_reply_to: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Karel Novák <karel@example.cz>"
    message["To"] = "podatelna@kr-vysocina.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain="example.cz")
    message["In-Reply-To"] = message["References"] = in_reply_to
    message.set_content("Děkuji, a v neděli?")
    return message.as_bytes()


def pipe(monkeypatch: pytest.MonkeyPatch, account: ChannelAccount, raw: bytes) -> None:
    """As the mail server's pipe transport delivers: the message on stdin of `vik ingest-mail`."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    with run_on_commit(), pytest.raises(SystemExit) as exit_status:
        call_command("ingest-mail", account=account.name)
    assert not exit_status.value.code


def test_a_phone_request_is_answered_by_e_mail_and_the_answer_threads_back(
    world: World, login: Any, accounts: Any, smtp_sink: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    mail, _sms = accounts
    client = login(world.alice)
    request = recorded(client, world, email="karel@example.cz")

    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    # E-mail is the default for a recorded request; SMS and the tracking page are offered.
    assert offered(page) == {
        "email:karel@example.cz": True, f"sms:{PHONE}": False, "tracking": False,
    }  # fmt: skip
    assert "E-mailem na karel@example.cz" in page

    response = reply(client, request, "email:karel@example.cz")

    assert response.status_code == 302
    outbound = OutboundMessage.objects.get()
    assert (outbound.account_id, outbound.recipient, outbound.state) == (
        mail.pk, "karel@example.cz", OutboundState.SENT,
    )  # fmt: skip
    assert outbound.interaction.channel == ChannelKind.EMAIL
    (sent,) = smtp_sink.messages
    assert sent["To"] == "karel@example.cz"
    assert sent["Subject"].strip() == f"Re: [{request.reference}] {request.subject}"
    assert ANSWER in sent.get_body(("plain",)).get_content()

    pipe(monkeypatch, mail, citizen_mail(
        subject=f"Re: [{request.reference}] {request.subject}", in_reply_to=sent["Message-ID"],
    ))  # fmt: skip

    assert Request.objects.count() == 1
    answers = request.interactions.filter(direction=Direction.INBOUND).order_by("pk")
    assert [(a.channel, a.text.strip()) for a in answers] == [
        ("phone", "Volal, kdy je otevřen úřad v sobotu."),
        ("email", "Děkuji, a v neděli?"),
    ]


def test_the_same_request_answered_by_sms(world: World, login: Any, accounts: Any) -> None:
    _mail, sms = accounts
    client = login(world.alice)
    request = recorded(client, world, email="karel@example.cz")
    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    # The SMS counter is there, for the SMS choice.
    assert f'data-sms-routes="sms:{PHONE}"' in page

    reply(client, request, f"sms:{PHONE}")

    outbound = OutboundMessage.objects.get()
    assert (outbound.account_id, outbound.recipient, outbound.state) == (
        sms.pk, PHONE, OutboundState.SENT,
    )  # fmt: skip
    assert (outbound.interaction.channel, outbound.interaction.text) == (ChannelKind.SMS, ANSWER)


def test_sms_is_the_default_without_an_e_mail_address(
    world: World, login: Any, accounts: Any
) -> None:
    client = login(world.alice)
    request = recorded(client, world)
    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    assert offered(page) == {f"sms:{PHONE}": True, "tracking": False}


def test_an_opted_out_number_is_not_offered_and_is_refused(
    world: World, login: Any, accounts: Any
) -> None:
    client = login(world.alice)
    request = recorded(client, world)
    SmsOptOut.objects.create(
        region=world.region, phone=PHONE, keyword="STOP", created_at=clock.now()
    )
    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    assert offered(page) == {"tracking": True}
    assert 'data-testid="sms-counter"' not in page

    response = reply(client, request, f"sms:{PHONE}")

    assert response.status_code == 302
    assert not Interaction.objects.filter(direction=Direction.OUTBOUND).exists()
    assert not OutboundMessage.objects.exists()


def test_a_contact_with_neither_reads_the_reply_on_the_tracking_page(
    world: World, login: Any, accounts: Any
) -> None:
    client = login(world.alice)
    request = recorded(client, world, channel="counter", phone="")
    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    assert offered(page) == {"tracking": True}

    reply(client, request, "tracking")

    interaction = Interaction.objects.get(direction=Direction.OUTBOUND)
    assert (interaction.account_id, interaction.text) == (None, ANSWER)
    assert not OutboundMessage.objects.exists()
    client.logout()
    assert ANSWER in client.get(f"/sledovani/{request.public_token}/").content.decode()


def test_an_agent_of_another_centre_cannot_reply(world: World, login: Any, accounts: Any) -> None:
    request = recorded(login(world.alice), world, email="karel@example.cz")

    response = reply(login(world.bob), request, "email:karel@example.cz")

    assert response.status_code == 404
    assert not Interaction.objects.filter(direction=Direction.OUTBOUND).exists()
    assert not OutboundMessage.objects.exists()
