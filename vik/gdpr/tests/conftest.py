"""A person who wrote on the web form (e-mail and phone: two identities) and by e-mail, with
an attachment each way, a staff reply and an internal note; and another citizen beside them."""

import io
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.core.management import call_command

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.contacts.models import Contact
from vik.conversations import events, services
from vik.conversations.models import Request
from vik.conversations.services import network
from vik.core import clock
from vik.notifications.models import Notification
from vik.testing.fixtures import run_on_commit, upload
from vik.testing.personas import submit_web_request

NAME = "Zdenka Gdprova"
EMAIL = "zdenka.gdprova@example.cz"
PHONE = "+420602555111"
WEB_TEXT = "Dobry den, posilam zadost o ridicsky prukaz, Zdenka Gdprova"
MAIL_TEXT = "Dobry den, doplnuji prilohu k zadosti. Zdenka Gdprova, Jihlava"
WEB_FILE = b"%PDF-1.4 web form scan of Zdenka Gdprova\n"
MAIL_FILE = b"\x89PNG\r\n\x1a\n mail attachment bytes of zdenka"


@dataclass
class Person:
    contact: Contact
    web: Request
    mail: Request
    other: Request


def mail_bytes(subject: str, body: str, attachment: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = f"{NAME} <{EMAIL}>"
    message["To"] = "podatelna@jihlava.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain="example.cz")
    message.set_content(body)
    message.add_attachment(attachment, maintype="image", subtype="png", filename="foto-op.png")
    return message.as_bytes()


def pipe(monkeypatch, account: ChannelAccount, raw: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    with run_on_commit(), pytest.raises(SystemExit) as exit_status:
        call_command("ingest-mail", account=account.name)
    assert int(exit_status.value.code or 0) == 0


@pytest.fixture
def mailbox(world):
    return ChannelAccount.objects.create(
        region=world.region, centre=world.centre_a, kind=ChannelKind.EMAIL,
        name="podatelna-gdpr",
        settings={"smtp": {"from": "podatelna@jihlava.example"}, "acknowledge": False},
    )  # fmt: skip


@pytest.fixture
def person(world, client, mailbox, monkeypatch) -> Person:
    web = submit_web_request(
        client, name=NAME, email=EMAIL, phone=PHONE, message=WEB_TEXT,
        attachments=[upload("sken-zadosti.pdf", WEB_FILE)],
    )  # fmt: skip
    pipe(monkeypatch, mailbox, mail_bytes("Priloha k zadosti", MAIL_TEXT, MAIL_FILE))
    mail = Request.objects.exclude(pk=web.pk).get(origin_channel="email")
    with run_on_commit():
        services.request_reply(
            request=web, by=world.alice, text=f"Vazena pani {NAME.split()[1]}, prukaz je hotov."
        )
        services.request_note(request=mail, by=world.alice, text=f"Volala {NAME}, {PHONE}. @carol")
        # The person's data copied into the network's texts and the timeline: a consultation
        # (question, answer) and a bounce of a reply (the address, the server's reason).
        consultation = network.consultation_ask(
            request=web, centre=world.centre_b, by=world.alice,
            question=f"Zna nekdo pani {NAME} z Jihlavy?",
        )  # fmt: skip
        network.consultation_answer(
            consultation=consultation, by=world.bob, answer=f"Ano, {NAME} byla u nas."
        )
        events.delivery_failed(request=mail, recipient=EMAIL, reason=f"550 {EMAIL}: no mailbox")
        network.request_transfer(
            request=mail, centre=world.centre_b, reason=f"{NAME} bydli v Trebici", by=world.carol
        )
    other = submit_web_request(client, name="Karel Jiny", email="karel.jiny@example.cz")
    contact = web.requester
    assert mail.requester_id == contact.pk  # one person, two channels, two identities
    # The mention copied the person's name into Carol's notification.
    assert NAME in Notification.objects.get(user=world.carol).text
    return Person(contact=contact, web=web, mail=mail, other=other)
