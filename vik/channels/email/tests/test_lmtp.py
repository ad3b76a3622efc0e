"""`vik lmtp`: the mail server delivers by LMTP (RFC 2033), spoken here by Python's own
`smtplib.LMTP` client, to the receiver's real server on a loopback port."""

from __future__ import annotations

import logging
import os
import signal
import smtplib
import subprocess
import sys
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError

from vik.channels.core.choices import PayloadState
from vik.channels.core.models import InboundPayload
from vik.channels.email import lmtp
from vik.conversations.models import Request
from vik.core import clock
from vik.testing.lmtp import lmtp_deliver
from vik.testing.smtp import free_port

ROOT = Path(__file__).resolve().parents[4]
stored_for_real = pytest.mark.django_db(transaction=True)  # the server stores on its own thread


def mail(body: str = "Dobrý den, kdy se v Jihlavě vyváží bioodpad?\n.tečka na začátku řádku\n"):
    message = EmailMessage()
    message["From"] = "Jan Novák <jan.novak@example.cz>"
    message["To"] = "podatelna@jihlava.example"
    message["Subject"] = "Dotaz na svoz odpadu"
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain="example.cz")
    message.set_content(body, charset="windows-1250", cte="8bit")
    return message.as_bytes().replace(b"\n", b"\r\n")  # as it travels: CRLF


@stored_for_real
def test_a_message_is_stored_once_per_account_and_each_recipient_answered(
    world, mailbox, lmtp_port
):
    raw = mail()
    codes, replies = lmtp_deliver(
        lmtp_port,
        raw,
        ["podatelna@jihlava.example", "nikdo@jihlava.example", "PODATELNA@Jihlava.example"],
    )
    # An address no account receives is refused (the mail server returns it to the sender).
    assert codes == {
        "podatelna@jihlava.example": 250,
        "nikdo@jihlava.example": 550,
        "PODATELNA@Jihlava.example": 250,
    }
    payload = InboundPayload.objects.get()  # two addresses of one account: one payload
    assert [code for code, _text in replies] == [250, 250]
    assert all(f"payload {payload.pk}".encode() in text for _code, text in replies)
    # Exactly the bytes that were sent (the leading dot was doubled on the wire).
    assert bytes(payload.body) == raw
    assert payload.metadata["source"] == "lmtp"
    assert payload.metadata["envelope_to"] == "podatelna@jihlava.example"
    request = Request.objects.get()  # processed, as the pipe's and IMAP's messages are
    assert (request.centre, request.origin_channel) == (world.centre_a, "email")
    assert "kdy se v Jihlavě vyváží bioodpad" in request.interactions.get(direction="inbound").text


@stored_for_real
def test_an_address_listed_in_the_account_settings_is_received(world, mailbox, lmtp_port):
    mailbox.settings["addresses"] = ["info@jihlava.example"]
    mailbox.save()
    codes, replies = lmtp_deliver(lmtp_port, mail(), ["info@jihlava.example"])
    assert codes == {"info@jihlava.example": 250}
    assert [code for code, _text in replies] == [250]
    assert InboundPayload.objects.get().account == mailbox


@stored_for_real
def test_a_line_longer_than_smtp_allows_is_stored_not_refused(world, mailbox, lmtp_port):
    """HTML mail written on one line, as some mailers send it: refusing it would return a
    citizen's message to its sender."""
    html = "<p>" + "Dobrý den, žádám o informaci o svozu odpadu. " * 200 + "</p>"
    raw = (
        "From: jan.novak@example.cz\r\nTo: podatelna@jihlava.example\r\n"
        f"Message-ID: {make_msgid(domain='example.cz')}\r\nSubject: Svoz\r\n"
        "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
        f"MIME-Version: 1.0\r\n\r\n{html}\r\n"
    ).encode()
    assert len(html.encode()) > 9000
    _codes, [(code, _text)] = lmtp_deliver(lmtp_port, raw, ["podatelna@jihlava.example"])
    assert code == 250
    assert bytes(InboundPayload.objects.get().body) == raw
    assert (
        "žádám o informaci o svozu odpadu"
        in Request.objects.get().interactions.get(direction="inbound").text
    )


@stored_for_real
def test_the_same_message_delivered_twice_is_one_payload(world, mailbox, lmtp_port):
    raw = mail()
    lmtp_deliver(lmtp_port, raw, ["podatelna@jihlava.example"])
    _codes, [(code, text)] = lmtp_deliver(lmtp_port, raw, ["podatelna@jihlava.example"])
    assert code == 250 and b"already stored" in text
    assert InboundPayload.objects.count() == 1
    assert Request.objects.count() == 1


@stored_for_real
def test_a_message_that_cannot_be_stored_is_deferred_and_the_retry_stores_it(
    world, mailbox, lmtp_port, monkeypatch
):
    def database_down(**kwargs: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    raw = mail()
    with monkeypatch.context() as patch:
        patch.setattr(lmtp, "inbound_accept", database_down)
        _codes, [(code, text)] = lmtp_deliver(lmtp_port, raw, ["podatelna@jihlava.example"])
    assert code == 451 and b"cannot store the message now" in text  # the server keeps it
    assert not InboundPayload.objects.exists()
    _codes, [(code, _text)] = lmtp_deliver(lmtp_port, raw, ["podatelna@jihlava.example"])  # retry
    assert code == 250
    assert InboundPayload.objects.get().state == PayloadState.PROCESSED


def test_vik_lmtp_defers_while_the_database_is_down_and_stops_on_sigterm():
    """The command itself, as an operator runs it: without a database it still listens, and
    asks the mail server to try again later rather than refusing the recipient."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "VIK_DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
        "VIK_SECRET_KEY": "test",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "vik.cli", "lmtp", "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    try:
        assert server.stdout is not None
        assert b"listening on" in server.stdout.readline()
        with smtplib.LMTP("127.0.0.1", port) as client:
            client.ehlo_or_helo_if_needed()
            assert client.mail("jan.novak@example.cz")[0] == 250
            code, text = client.rcpt("podatelna@jihlava.example")
        assert code == 451 and b"cannot look up" in text
        server.send_signal(signal.SIGTERM)
        out, _err = server.communicate(timeout=30)
        assert server.returncode == 0
        assert b"stopped" in out
    finally:
        if server.poll() is None:
            server.kill()


@stored_for_real
def test_the_log_at_info_names_no_address(world, mailbox, lmtp_port, caplog):
    """Personal data stays out of the log at INFO: one line for the delivery (its size, the
    account, the outcome), the refused recipient masked; addresses only at DEBUG. aiosmtpd's
    own `mail.log`, which logs every command with its addresses, is kept at WARNING."""
    caplog.set_level(logging.INFO)
    sender, recipients = (
        "jan.novak@example.cz",
        ["podatelna@jihlava.example", "nikdo@jihlava.example"],
    )
    codes, replies = lmtp_deliver(lmtp_port, mail(), recipients, sender=sender)
    assert codes == {"podatelna@jihlava.example": 250, "nikdo@jihlava.example": 550}
    assert [code for code, _text in replies] == [250]
    lines = [record.getMessage() for record in caplog.records]
    for address in [sender, *recipients]:
        assert not [line for line in lines if address.lower() in line.lower()], address
    assert "jan.novak" not in caplog.text and "Novák" not in caplog.text
    delivered = [line for line in lines if "stored as payload" in line]
    assert len(delivered) == 1 and "podatelna-jihlava" in delivered[0]
    assert any("n***@jihlava.example" in line for line in lines)  # the refused one, masked
