"""The e-mail channel end to end: pipe in, threads, noise, bounces, SMTP out."""

import io
import os
import subprocess
import sys
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from django.core.management import call_command

from vik.channels.core.choices import OutboundState, PayloadState
from vik.channels.core.models import InboundPayload, OutboundMessage
from vik.conversations import services
from vik.conversations.models import Interaction, Request
from vik.core import clock
from vik.testing.fixtures import run_on_commit

ROOT = Path(__file__).resolve().parents[4]


def mail(
    *,
    subject="Dotaz na svoz odpadu",
    body="Dobrý den, kdy se v Jihlavě vyváží bioodpad? Děkuji, Jan Novák",
    sender="Jan Novák <jan.novak@example.cz>",
    in_reply_to="",
    headers=None,
    charset="utf-8",
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "podatelna@jihlava.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain="example.cz")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body, charset=charset)
    return message.as_bytes()


def pipe(monkeypatch, account, raw: bytes) -> int:
    """Deliver like Postfix's pipe transport: the message on stdin of `vik ingest-mail`."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    with run_on_commit(), pytest.raises(SystemExit) as exit_status:
        call_command("ingest-mail", account=account.name)
    return int(exit_status.value.code or 0)


def test_a_piped_message_becomes_a_request_of_the_accounts_centre(world, mailbox, monkeypatch):
    assert pipe(monkeypatch, mailbox, mail(charset="windows-1250")) == 0
    request = Request.objects.get()
    assert (request.origin_channel, request.centre, request.subject) == (
        "email",
        world.centre_a,
        "Dotaz na svoz odpadu",
    )
    assert request.requester.name == "Jan Novák"
    assert list(request.requester.identities.values_list("value", flat=True)) == [
        "jan.novak@example.cz"
    ]
    assert "kdy se v Jihlavě vyváží bioodpad" in request.interactions.get(direction="inbound").text


def test_the_same_message_twice_makes_one_interaction(world, mailbox, monkeypatch):
    raw = mail()
    assert pipe(monkeypatch, mailbox, raw) == 0
    # The mail server retries after a timeout, with its own trace headers on top.
    again = b"Return-Path: <jan.novak@example.cz>\nDelivered-To: podatelna@jihlava.example\n" + raw
    assert pipe(monkeypatch, mailbox, again) == 0
    assert InboundPayload.objects.count() == 1
    assert Interaction.objects.filter(direction="inbound").count() == 1


def test_a_message_that_is_not_mail_is_stored_and_quarantined(world, mailbox, monkeypatch):
    assert pipe(monkeypatch, mailbox, b"") == 0
    payload = InboundPayload.objects.get()
    assert payload.state == PayloadState.QUARANTINED
    assert payload.quarantine_reason.startswith("This is not an e-mail message")
    assert Request.objects.count() == 0


def test_an_oversized_message_is_stored_and_quarantined(world, mailbox, monkeypatch):
    mailbox.settings["max_bytes"] = 2000
    mailbox.save()
    raw = mail(body="příloha " * 500)
    assert pipe(monkeypatch, mailbox, raw) == 0
    payload = InboundPayload.objects.get()
    assert payload.state == PayloadState.QUARANTINED
    assert payload.quarantine_reason == (
        f"The message has {len(raw)} bytes; this account accepts at most 2000."
    )
    assert bytes(payload.body) == raw


def test_ingest_mail_asks_the_mail_server_to_retry_when_it_cannot_store(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "VIK_DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
        "VIK_SECRET_KEY": "test",
    }
    result = subprocess.run(
        [sys.executable, "-m", "vik.cli", "ingest-mail", "--account", "podatelna"],
        input=mail(),
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 75, result.stderr.decode()
    assert b"cannot store the message" in result.stderr


@pytest.fixture
def answered(world, mailbox, monkeypatch, smtp_sink):
    """A citizen's e-mail and the clerk's reply, as it left through SMTP."""
    pipe(monkeypatch, mailbox, mail())
    request = Request.objects.get()
    with run_on_commit():
        services.request_reply(
            request=request, by=world.alice, text="Bioodpad se vyváží v pondělí.",
            status="waiting_citizen",
        )  # fmt: skip
    acknowledgement, sent = smtp_sink.messages
    assert acknowledgement["Auto-Submitted"] == "auto-replied"
    return request, sent


def test_the_reply_leaves_with_threading_headers_and_the_reference(answered):
    request, sent = answered
    citizen_message = request.interactions.filter(direction="inbound").get()
    assert sent["To"] == "jan.novak@example.cz"
    assert sent["Subject"] == f"Re: [{request.reference}] Dotaz na svoz odpadu"
    assert sent["In-Reply-To"].strip("<>") == citizen_message.inbound_payload.idempotency_key[4:]
    assert "Bioodpad se vyváží v pondělí." in sent.get_body(("plain",)).get_content()
    assert "Centrum jihlava" in sent.get_body(("plain",)).get_content()  # the centre's signature
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {OutboundState.SENT}


def test_replies_stay_in_their_request(world, mailbox, monkeypatch, answered):
    request, sent = answered
    # By In-Reply-To, whatever the subject says.
    pipe(monkeypatch, mailbox, mail(subject="Děkuji", in_reply_to=sent["Message-ID"]))
    # By the reference in the subject, from another address of the same person.
    pipe(
        monkeypatch,
        mailbox,
        mail(subject=f"RE: [{request.reference}] doplnění", sender="jan@novak.example"),
    )
    assert Request.objects.count() == 1
    request.refresh_from_db()
    assert request.status == "open"  # the citizen's answer woke it
    assert request.interactions.filter(direction="inbound").count() == 3
    # A new topic from the same person is a new request.
    pipe(monkeypatch, mailbox, mail(subject="Jiný dotaz: parkování"))
    assert Request.objects.count() == 2


def test_an_auto_reply_war_cannot_start(world, mailbox, monkeypatch, answered, smtp_sink):
    request, sent = answered
    out_of_office = mail(
        subject="Automatická odpověď: Re: Dotaz na svoz odpadu",
        body="Jsem mimo kancelář do 30. 11.",
        in_reply_to=sent["Message-ID"],
        headers={"Auto-Submitted": "auto-replied"},
    )
    pipe(monkeypatch, mailbox, out_of_office)
    request.refresh_from_db()
    assert request.status == "waiting_citizen"  # a machine does not wake the request
    note = request.interactions.order_by("-pk").first()
    assert (note.visibility, note.text.strip()) == ("internal", "Jsem mimo kancelář do 30. 11.")
    assert OutboundMessage.objects.count() == 2  # the acknowledgement and the reply; no more
    assert len(smtp_sink.messages) == 2

    # An auto-reply to nothing VIK knows is kept, marked as noise, and makes nothing.
    pipe(monkeypatch, mailbox, mail(subject="Out of Office", headers={"Precedence": "bulk"}))
    noise = InboundPayload.objects.order_by("-pk").first()
    assert noise.state == PayloadState.IGNORED
    assert noise.quarantine_reason.startswith("auto-reply (")
    assert Request.objects.count() == 1


def test_vik_own_message_coming_back_is_ignored(world, mailbox, monkeypatch, answered):
    request, sent = answered
    pipe(monkeypatch, mailbox, sent.as_bytes())
    payload = InboundPayload.objects.order_by("-pk").first()
    assert (payload.state, payload.quarantine_reason) == (
        PayloadState.IGNORED,
        "VIK's own message came back",
    )
    assert request.interactions.count() == 3  # the message, the acknowledgement, the reply


def test_a_bounce_marks_the_failed_reply_and_says_why(world, mailbox, monkeypatch, answered):
    request, sent = answered
    bounce = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.cz>\n"
        "To: podatelna@jihlava.example\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        f"Message-ID: {make_msgid(domain='mx.example.cz')}\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n'
        "\n--B\nContent-Type: text/plain\n\nThe mail system could not deliver your message.\n"
        "\n--B\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.cz\n\n"
        "Final-Recipient: rfc822; jan.novak@example.cz\n"
        "Action: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <jan.novak@example.cz>: Recipient address rejected\n"
        "\n--B\nContent-Type: text/rfc822-headers\n\n"
        f"Message-ID: {sent['Message-ID']}\nSubject: {sent['Subject']}\n"
        "\n--B--\n"
    ).encode()
    pipe(monkeypatch, mailbox, bounce)
    outbound = OutboundMessage.objects.get(interaction__is_automatic=False)
    assert outbound.state == OutboundState.FAILED
    assert outbound.last_error.startswith("5.1.1")
    event = request.events.get(kind="delivery_failed")
    assert event.data["recipient"] == "jan.novak@example.cz"
    assert "Recipient address rejected" in event.data["reason"]
    assert Request.objects.count() == 1


def test_a_new_request_is_acknowledged_with_its_reference_and_link(
    world, mailbox, monkeypatch, smtp_sink, settings
):
    settings.SITE_URL = "https://vik.example"
    pipe(monkeypatch, mailbox, mail())
    request = Request.objects.get()
    [acknowledgement] = smtp_sink.messages
    assert acknowledgement["To"] == "jan.novak@example.cz"
    assert acknowledgement["Auto-Submitted"] == "auto-replied"
    assert request.reference in acknowledgement["Subject"]
    body = acknowledgement.get_content()
    assert request.reference in body
    assert f"https://vik.example/sledovani/{request.public_token}/" in body
    assert "Dobrý den" in body


def test_acknowledgements_are_rate_limited_per_sender(world, mailbox, monkeypatch, smtp_sink):
    for number in range(5):
        pipe(monkeypatch, mailbox, mail(subject=f"Dotaz {number}"))
    assert Request.objects.count() == 5
    assert len(smtp_sink.messages) == 3


def test_acknowledgements_can_be_switched_off(world, mailbox, monkeypatch, smtp_sink):
    mailbox.settings["acknowledge"] = False
    mailbox.save()
    pipe(monkeypatch, mailbox, mail())
    assert Request.objects.count() == 1
    assert smtp_sink.messages == []


def test_a_failing_mailbox_shows_in_healthz(world, mailbox, client):
    from vik.channels.email.models import MailboxState

    MailboxState.objects.create(
        account=mailbox,
        last_error="cannot connect to imap.example.cz:993: Connection refused",
        consecutive_failures=3,
    )
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["mailboxes"]["failing"] == [
        {
            "account": "podatelna-jihlava",
            "folder": "INBOX",
            "error": "cannot connect to imap.example.cz:993: Connection refused",
            "failures": 3,
            "last_success": None,
        }
    ]


@pytest.mark.parametrize(
    ("setting", "requests", "status"), [("follow_up", 2, "closed"), ("reopen", 1, "open")]
)
def test_a_reply_to_a_closed_request_follows_the_accounts_setting(
    world, mailbox, monkeypatch, answered, setting, requests, status
):
    request, sent = answered
    services.request_set_status(request=request, status="resolved", by=world.alice)
    services.request_set_status(request=request, status="closed", by=world.alice)
    mailbox.settings["on_reply_to_closed"] = setting
    mailbox.save()
    pipe(monkeypatch, mailbox, mail(subject="Ještě jedna věc", in_reply_to=sent["Message-ID"]))
    request.refresh_from_db()
    assert (Request.objects.count(), request.status) == (requests, status)
    if setting == "follow_up":
        assert Request.objects.exclude(pk=request.pk).get().follow_up_of == request


def test_hostile_html_is_shown_sanitised_without_remote_images(world, mailbox, monkeypatch, client):
    message = EmailMessage()
    message["From"] = "jan.novak@example.cz"
    message["To"] = "podatelna@jihlava.example"
    message["Subject"] = "HTML"
    message.set_content("Dobrý den, text.")
    message.add_alternative(
        '<p onclick="steal()">Dobrý <b>den</b></p><script>alert(1)</script>'
        '<img src="http://tracker.example/pixel.gif"><a href="javascript:alert(2)">x</a>',
        subtype="html",
    )
    pipe(monkeypatch, mailbox, message.as_bytes())
    request = Request.objects.get()
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    formatted = page.split('data-testid="formatted">', 1)[1].split("</div>", 1)[0]
    assert "<b>den</b>" in formatted
    for hostile in ("onclick", "<script", "tracker.example", "javascript:"):
        assert hostile not in formatted


def test_the_account_page_shows_why_polling_fails(world, mailbox, client, django_user_model):
    from vik.channels.email.models import MailboxState

    MailboxState.objects.create(
        account=mailbox, last_error="login as info refused: Authentication failed",
        consecutive_failures=2,
    )  # fmt: skip
    admin = django_user_model.objects.create_superuser("root", "root@example.cz", "x")
    client.force_login(admin)
    page = client.get(f"/admin/channels/channelaccount/{mailbox.pk}/change/").content.decode()
    assert "login as info refused: Authentication failed" in page


def test_a_resent_reply_keeps_its_message_id(world, mailbox, monkeypatch, answered, smtp_sink):
    """A worker killed between sending and recording sends again: the same Message-ID lets the
    recipient's mail client recognise the duplicate."""
    from vik.channels.core.services import outbound_deliver

    request, sent = answered
    reply = OutboundMessage.objects.get(interaction__is_automatic=False)
    OutboundMessage.objects.filter(pk=reply.pk).update(state=OutboundState.QUEUED)
    outbound_deliver(message_id=reply.pk)
    assert smtp_sink.messages[-1]["Message-ID"] == sent["Message-ID"]
    assert sent["Message-ID"] == f"<{request.reference}.{reply.pk}@jihlava.example>"


def test_a_markdown_reply_is_mailed_formatted_with_its_source_as_plain_text(
    world, mailbox, monkeypatch, smtp_sink
):
    """The clerk writes Markdown (the composer previews it): the citizen's mail program shows the
    text/html part formatted, links clickable; the text/plain part keeps the readable source."""
    pipe(monkeypatch, mailbox, mail())
    request = Request.objects.get()
    text = (
        "Dobrý den,\n\nbioodpad se vyváží **v pondělí**:\n\n- hnědá popelnice\n- kompost\n\n"
        "Více na [webu města](https://www.jihlava.cz/odpady) i na https://www.jihlava.cz/svoz."
        "\n\n<script>alert(1)</script>"
    )
    with run_on_commit():
        services.request_reply(request=request, by=world.alice, text=text)
    acknowledgement, sent = smtp_sink.messages
    assert acknowledgement.get_content_type() == "text/plain"  # VIK's own text stays plain
    plain = sent.get_body(("plain",)).get_content()
    assert "bioodpad se vyváží **v pondělí**" in plain and "Centrum jihlava" in plain
    html = sent.get_body(("html",)).get_content()
    assert "<strong>v pondělí</strong>" in html
    assert "<li>hnědá popelnice</li>" in html
    link = '<a href="https://www.jihlava.cz/odpady" rel="noopener noreferrer nofollow">'
    assert f"{link}webu města" in html
    assert '<a href="https://www.jihlava.cz/svoz"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Centrum jihlava" in html  # the signature
