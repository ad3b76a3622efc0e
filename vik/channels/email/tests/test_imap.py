"""IMAP fetching against a real Dovecot (the `dovecot` fixture of this folder's conftest).

The payloads are asserted as stored (count, keys, metadata, bytes); what processing makes of
them is the adapter's business and is tested there.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import socket
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from imapclient import IMAPClient

from vik.channels.core.choices import ChannelKind, PayloadState
from vik.channels.core.models import ChannelAccount, InboundPayload
from vik.channels.email import imap
from vik.channels.email.imap import polling, session
from vik.channels.email.models import MailboxState
from vik.channels.email.tasks import mailbox_poll_task
from vik.channels.mail.parser import idempotency_key
from vik.conversations.models import Interaction
from vik.core import clock
from vik.testing.fixtures import run_on_commit

from .conftest import MailUser, free_port

FIXTURES = Path(__file__).parent / "fixtures" / "imap"
SEEN = b"\\Seen"
FLAGGED = b"\\Flagged"
STORED = b"$VIKStored"
DELETED = b"\\Deleted"


@pytest.fixture(autouse=True)
def _no_backlog_from_other_tests():
    polling._backlog.clear()  # process-wide; account ids are reused between rolled-back tests


def crlf(raw: bytes) -> bytes:
    """IMAP speaks CRLF; the fixture files are kept with LF."""
    return re.sub(rb"\r?\n", b"\r\n", raw)


def corpus() -> list[bytes]:
    """Czech mail in utf-8, windows-1250 and iso-8859-2, HTML, attachments, a forward, an
    auto-reply, one message without a Message-ID, and real bounces from the Sisimai corpus."""
    return [crlf(path.read_bytes()) for path in sorted(FIXTURES.glob("*.eml"))]


def new_message(n: int, size: int = 0) -> bytes:
    filler = ("Lorem ipsum dolor sit amet, příliš žluťoučký kůň.\n" * (size // 50 + 1))[:size]
    return crlf(
        (
            f"From: Občan {n} <obcan{n}@example.cz>\nTo: info@jihlava-city.cz\n"
            f"Subject: Dotaz {n}\nDate: Sat, 21 Nov 2026 10:00:00 +0100\n"
            f"Message-ID: <dotaz-{n}@example.cz>\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            f"Dobrý den, dotaz číslo {n}.\n{filler}"
        ).encode()
    )


def email_account(world, imap_user: MailUser, name: str = "mail-jihlava", **imap_settings):
    return ChannelAccount.objects.create(
        region=world.region,
        centre=world.centre_a,
        kind=ChannelKind.EMAIL,
        name=name,
        settings={"imap": imap_user.imap_settings(**imap_settings)},
    )


def payloads(account: ChannelAccount):
    return InboundPayload.objects.filter(account=account).order_by("pk")


def state_of(account: ChannelAccount, folder: str = "INBOX") -> MailboxState:
    return MailboxState.objects.get(account=account, folder=folder)


def test_a_varied_mailbox_is_fetched_exactly_once(world, imap_user, monkeypatch):
    messages = corpus()
    assert len(messages) >= 15
    imap_user.append(messages)
    # Small batches and body groups, so that the mailbox takes several of each.
    monkeypatch.setattr(session, "BODY_GROUP_COUNT", 3)
    account = email_account(world, imap_user, batch=4)

    report = imap.mailbox_poll(account=account)

    assert report.ok, report.error
    assert (report.fetched, report.stored, report.duplicates) == (len(messages), len(messages), 0)
    stored = list(payloads(account))
    assert [bytes(p.body) for p in stored] == messages  # byte for byte, in UID order
    assert [p.idempotency_key for p in stored] == [idempotency_key(m) for m in messages]
    state = state_of(account)
    assert {p.content_type for p in stored} == {"message/rfc822"}
    assert [p.metadata for p in stored] == [
        {"source": "imap", "uid": uid, "uidvalidity": state.uidvalidity, "folder": "INBOX"}
        for uid in range(1, len(messages) + 1)
    ]
    assert state.last_uid == len(messages)
    assert (state.last_error, state.consecutive_failures) == ("", 0)
    assert state.last_success_at is not None and state.last_attempt_at is not None
    flags = imap_user.flags()
    assert all(SEEN not in f and {FLAGGED, STORED} <= set(f) for f in flags.values()), flags

    # Polled again: nothing new.
    again = imap.mailbox_poll(account=account)
    assert (again.ok, again.fetched, again.stored) == (True, 0, 0)

    # A new message: only it is fetched.
    imap_user.append([new_message(1)])
    third = imap.mailbox_poll(account=account)
    assert (third.fetched, third.stored) == (1, 1)
    assert payloads(account).count() == len(messages) + 1
    assert payloads(account).last().metadata["uid"] == len(messages) + 1

    # The position is lost (a restored database, a renamed account): the flags say what is
    # stored, and nothing is downloaded again.
    MailboxState.objects.filter(account=account).delete()
    lost = imap.mailbox_poll(account=account)
    assert lost.ok, lost.error
    assert (lost.fetched, lost.stored, lost.skipped) == (0, 0, len(messages) + 1)
    assert payloads(account).count() == len(messages) + 1
    assert all(SEEN not in f for f in imap_user.flags().values())


def test_keep_leaves_the_mailbox_untouched_and_the_keys_absorb_a_lost_position(world, imap_user):
    messages = corpus()
    imap_user.append(messages)
    account = email_account(world, imap_user, after_processing="keep")

    assert imap.mailbox_poll(account=account).stored == len(messages)
    assert set(imap_user.flags().values()) == {()}  # not flagged, not \Seen

    MailboxState.objects.filter(account=account).delete()
    report = imap.mailbox_poll(account=account)
    assert (report.fetched, report.stored, report.duplicates) == (
        len(messages), 0, len(messages),
    )  # fmt: skip
    assert payloads(account).count() == len(messages)


class WorkerKilled(BaseException):
    """What the process sees of a SIGKILL: nothing after this point runs."""


@pytest.mark.parametrize(
    ("after_processing", "dies_in", "refetched"),
    [
        # Killed after the group's raw messages are committed, before they are flagged: they
        # are downloaded again, and their idempotency keys make the second store a no-op.
        ("flag", "_after_processing", True),
        # Killed after flagging, before the position is saved: the flags say they are stored.
        ("flag", "_advance", False),
        # No flags at all: downloaded again, stored once.
        ("keep", "_advance", True),
    ],
)
def test_a_worker_killed_in_the_middle_stores_nothing_twice(
    world, imap_user, monkeypatch, after_processing, dies_in, refetched
):
    messages = corpus()
    imap_user.append(messages)
    monkeypatch.setattr(session, "BODY_GROUP_COUNT", 3)  # groups of UIDs 1-3, 4-6, 7-9, ...
    account = email_account(world, imap_user, after_processing=after_processing)
    real = getattr(session, dies_in)

    def dying(*args, **kwargs):
        uids = args[2] if dies_in == "_after_processing" else [args[1]]
        if max(uids) >= 5:  # the group of UIDs 4-6
            raise WorkerKilled
        return real(*args, **kwargs)

    monkeypatch.setattr(session, dies_in, dying)
    with pytest.raises(WorkerKilled):
        imap.mailbox_poll(account=account)
    monkeypatch.setattr(session, dies_in, real)
    assert payloads(account).count() == 6  # the second group is committed
    assert state_of(account).last_uid == 3

    report = imap.mailbox_poll(account=account)  # the restarted worker

    assert report.ok, report.error
    rest = len(messages) - 6
    if refetched:
        assert (report.fetched, report.stored, report.duplicates) == (rest + 3, rest, 3)
    else:
        assert (report.fetched, report.stored, report.skipped) == (rest, rest, 3)
    assert payloads(account).count() == len(messages)
    assert sorted(p.idempotency_key for p in payloads(account)) == sorted(
        idempotency_key(m) for m in messages
    )
    assert state_of(account).last_uid == len(messages)

    assert imap.mailboxes_poll_due() == 0


def test_a_changed_uidvalidity_stores_nothing_twice(world, imap_user):
    messages = corpus()
    imap_user.append(messages, folder="Podatelna")
    account = email_account(world, imap_user, folder="Podatelna")
    first = imap.mailbox_poll(account=account)
    assert first.stored == len(messages)
    old = state_of(account, "Podatelna").uidvalidity

    # The folder is rebuilt (a migration, a restore): the same mail under new UIDs, one more.
    with imap_user.client() as client:
        client.delete_folder("Podatelna")
        client.create_folder("Podatelna")
    imap_user.append([*messages, new_message(99)], folder="Podatelna")

    report = imap.mailbox_poll(account=account)

    assert report.ok, report.error
    assert report.uidvalidity_changed and report.uidvalidity != old
    assert (report.fetched, report.stored, report.duplicates) == (
        len(messages) + 1, 1, len(messages),
    )  # fmt: skip
    assert payloads(account).count() == len(messages) + 1
    state = state_of(account, "Podatelna")
    assert (state.uidvalidity, state.last_uid) == (report.uidvalidity, len(messages) + 1)


def test_failures_are_recorded_and_polling_resumes(world, imap_user, dovecot):
    imap_user.append(corpus()[:3])
    closed = free_port()
    account = email_account(world, imap_user, port=closed)

    down = imap.mailbox_poll(account=account)  # nothing listens there: "server down"

    assert not down.ok
    assert down.error == f"cannot connect to 127.0.0.1:{closed}: Connection refused"
    state = state_of(account)
    assert (state.last_error, state.consecutive_failures) == (down.error, 1)
    assert state.last_attempt_at is not None and state.last_success_at is None
    assert imap.mailbox_poll(account=account).error == down.error
    assert state_of(account).consecutive_failures == 2

    account.settings["imap"].update(port=dovecot.port, password="wrong")
    account.save()
    refused = imap.mailbox_poll(account=account)
    assert refused.error.startswith(
        f"login as {imap_user.username} refused by 127.0.0.1:{dovecot.port}: "
    ), refused.error
    assert "Authentication failed" in refused.error
    assert state_of(account).consecutive_failures == 3
    assert payloads(account).count() == 0

    account.settings["imap"].update(password=imap_user.password)
    account.save()
    fixed = imap.mailbox_poll(account=account)
    assert (fixed.ok, fixed.stored) == (True, 3)
    state = state_of(account)
    assert (state.last_error, state.consecutive_failures) == ("", 0)
    assert state.last_success_at is not None


def test_a_server_that_does_not_answer_times_out(world, imap_user):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts connections into the backlog, never says a word
    try:
        port = silent.getsockname()[1]
        account = email_account(world, imap_user, port=port, timeout=0.3)
        report = imap.mailbox_poll(account=account)
    finally:
        silent.close()
    assert report.error == f"no answer from 127.0.0.1:{port} within 0.3 s (connect)"
    assert state_of(account).consecutive_failures == 1


def test_settings_and_folder_errors_are_clear(world, imap_user, monkeypatch):
    monkeypatch.delenv("VIK_TEST_IMAP_PASSWORD", raising=False)
    settings = imap_user.imap_settings(password_env="VIK_TEST_IMAP_PASSWORD")
    del settings["password"]
    account = ChannelAccount.objects.create(
        region=world.region, kind=ChannelKind.EMAIL, name="mail-env", settings={"imap": settings}
    )
    report = imap.mailbox_poll(account=account)
    assert report.error == (
        "the environment variable VIK_TEST_IMAP_PASSWORD (settings.imap.password_env) is not set"
    )

    monkeypatch.setenv("VIK_TEST_IMAP_PASSWORD", imap_user.password)
    assert imap.mailbox_poll(account=account).ok

    account.settings["imap"]["folder"] = "Neexistuje"
    account.save()
    missing = imap.mailbox_poll(account=account)
    assert missing.error.startswith("cannot open folder 'Neexistuje' on 127.0.0.1:"), missing.error
    assert "doesn't exist" in missing.error


@pytest.mark.parametrize("lacks", [(), ("MOVE",), ("MOVE", "UIDPLUS")])
def test_move_puts_processed_mail_in_the_move_to_folder(world, imap_user, monkeypatch, lacks):
    real = IMAPClient.has_capability
    monkeypatch.setattr(
        IMAPClient, "has_capability", lambda self, name: name not in lacks and real(self, name)
    )
    messages = corpus()
    imap_user.append(messages)
    account = email_account(world, imap_user, after_processing="move", move_to="VIK/Processed")

    report = imap.mailbox_poll(account=account)

    assert (report.ok, report.stored) == (True, len(messages)), report.error
    left = imap_user.flags("INBOX")
    if "UIDPLUS" in lacks:
        # COPY, then \Deleted; no EXPUNGE, which would also remove what others marked deleted.
        assert len(left) == len(messages)
        assert all({DELETED, STORED} <= set(f) for f in left.values()), left
    else:
        assert left == {}
    moved = imap_user.flags("VIK.Processed")  # Dovecot's Maildir++ separator is "."
    assert len(moved) == len(messages)
    assert all(STORED in f and SEEN not in f and DELETED not in f for f in moved.values()), moved
    with imap_user.client() as client:
        client.select_folder("VIK.Processed", readonly=True)
        bodies = client.fetch(client.search("ALL"), ["BODY.PEEK[]"])
    assert sorted(d[b"BODY[]"] for d in bodies.values()) == sorted(messages)

    imap_user.append([new_message(7)])
    assert imap.mailbox_poll(account=account).stored == 1
    assert len(imap_user.flags("VIK.Processed")) == len(messages) + 1
    MailboxState.objects.filter(account=account).delete()
    assert imap.mailbox_poll(account=account).fetched == 0
    assert payloads(account).count() == len(messages) + 1


@pytest.mark.parametrize("limit_in", ["imap", "account"])
def test_an_oversized_message_is_stored_quarantined_and_left_on_the_server(
    world, imap_user, limit_in
):
    small, big = new_message(1), new_message(2, size=50_000)
    imap_user.append([small, big, new_message(3)])
    if limit_in == "imap":
        account = email_account(world, imap_user, max_bytes=10_000)
    else:  # the account's limit, the one the adapter applies to piped mail too
        account = email_account(world, imap_user)
        account.settings["max_bytes"] = 10_000
        account.save()

    report = imap.mailbox_poll(account=account)

    assert (report.ok, report.stored, report.oversized) == (True, 2, 1), report.error
    assert payloads(account).count() == 3
    placeholder = payloads(account).get(metadata__oversized=True)
    reason = (
        f"message of {len(big)} bytes exceeds the account limit of 10000 bytes; "
        "it was left on the server in INBOX (UID 2)"
    )
    assert placeholder.state == PayloadState.QUARANTINED
    assert placeholder.quarantine_reason == reason
    assert placeholder.content_type == "text/rfc822-headers"
    header = bytes(placeholder.body)
    assert header == big[: big.index(b"\r\n\r\n") + 4]
    assert placeholder.idempotency_key == f"oversized:{idempotency_key(header)}"
    assert placeholder.metadata["size"] == len(big)
    assert imap_user.flags() == {1: (FLAGGED, STORED), 2: (), 3: (FLAGGED, STORED)}

    MailboxState.objects.filter(account=account).delete()
    lost = imap.mailbox_poll(account=account)
    assert (lost.stored, lost.skipped, lost.oversized) == (0, 2, 1)
    assert payloads(account).count() == 3


def test_implicit_tls_and_starttls(world, imap_user, dovecot):
    imap_user.append([new_message(1)])
    tls = email_account(
        world, imap_user, name="mail-tls", security="tls", port=dovecot.tls_port,
        ca_file=dovecot.ca_file, after_processing="keep",
    )  # fmt: skip
    report = imap.mailbox_poll(account=tls)
    assert (report.ok, report.stored) == (True, 1), report.error

    starttls = email_account(
        world, imap_user, name="mail-starttls", security="starttls", ca_file=dovecot.ca_file,
        after_processing="keep",
    )  # fmt: skip
    report = imap.mailbox_poll(account=starttls)
    assert (report.ok, report.stored) == (True, 1), report.error

    untrusted = email_account(
        world, imap_user, name="mail-untrusted", security="tls", port=dovecot.tls_port
    )
    report = imap.mailbox_poll(account=untrusted)
    assert report.error == (
        f"TLS certificate of 127.0.0.1:{dovecot.tls_port} not accepted: self-signed certificate"
    )


def test_the_periodic_job_polls_due_mailboxes(world, imap_user, dovecot):
    imap_user.append([new_message(1)])
    due = email_account(world, imap_user, name="mail-due")
    off = email_account(world, imap_user, name="mail-off")
    ChannelAccount.objects.filter(pk=off.pk).update(is_active=False)
    ChannelAccount.objects.create(region=world.region, kind=ChannelKind.EMAIL, name="pipe-only")
    slow = email_account(world, dovecot.add_user(), name="mail-slow", poll_seconds=600)

    assert imap.mailboxes_poll_due() == 2  # mail-due and mail-slow; not the others
    assert payloads(due).count() == 1
    assert imap.mailboxes_poll_due() == 0  # polled a moment ago
    later = clock.now() + dt.timedelta(seconds=61)
    with clock.travel(later):
        assert imap.mailboxes_poll_due() == 1  # mail-due; mail-slow waits 10 minutes
    assert state_of(slow).last_attempt_at < later - dt.timedelta(seconds=60)
    assert not MailboxState.objects.filter(account__name__in=["mail-off", "pipe-only"]).exists()


def test_a_mailbox_with_messages_left_is_polled_again_at_once(world, imap_user):
    imap_user.append([new_message(n) for n in range(3)])
    account = email_account(world, imap_user, max_seconds=0)  # the budget is gone at once

    report = imap.mailbox_poll(account=account)
    assert (report.ok, report.more, report.stored) == (True, True, 0)
    account.settings["imap"]["max_seconds"] = 30
    account.save()

    assert imap.mailboxes_poll_due() == 1  # without waiting for poll_seconds
    assert payloads(account).count() == 3
    assert imap.mailboxes_poll_due() == 0


def test_each_new_payload_is_handed_to_processing_once(
    world, imap_user, django_capture_on_commit_callbacks
):
    imap_user.append(corpus()[:4])
    account = email_account(world, imap_user, after_processing="keep")
    with django_capture_on_commit_callbacks() as callbacks:
        imap.mailbox_poll(account=account)
        MailboxState.objects.filter(account=account).delete()
        assert imap.mailbox_poll(account=account).duplicates == 4
    assert len(callbacks) == 1  # one processing task for the stored group, none for duplicates
    assert payloads(account).count() == 4


def test_the_task_polls_one_account(world, imap_user):
    imap_user.append([new_message(1)])
    account = email_account(world, imap_user)
    result = mailbox_poll_task.enqueue(account.pk)
    assert result.status == "SUCCESSFUL"
    assert payloads(account).count() == 1
    mailbox_poll_task.enqueue(10**9)  # a deleted account: nothing to do, no error


def test_the_same_message_by_pipe_and_by_imap_makes_one_interaction(world, imap_user, monkeypatch):
    """Postfix pipes a copy to VIK and delivers one to the mailbox VIK also reads."""
    account = email_account(world, imap_user)
    raw = crlf(new_message(7001))
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Return-Path: <a@b.cz>\r\n" + raw))
    )
    with run_on_commit(), pytest.raises(SystemExit):
        call_command("ingest-mail", account=account.name)
    imap_user.append([raw])
    with run_on_commit():
        imap.mailbox_poll(account=account)

    assert payloads(account).count() == 1
    assert Interaction.objects.filter(direction="inbound").count() == 1


def test_the_centre_lead_is_told_once_when_a_mailbox_keeps_failing(world, imap_user, mailoutbox):
    from vik.tenancy.choices import Role
    from vik.tenancy.models import Membership

    world.bob.email = "bob@trebic.example"
    world.bob.save()
    Membership.objects.create(
        user=world.bob, region=world.region, centre=world.centre_a, role=Role.CENTRE_LEAD
    )
    account = email_account(world, imap_user, port=free_port())  # nobody listens there
    for _ in range(5):
        imap.mailbox_poll(account=account)
    [notice] = mailoutbox
    assert notice.to == ["bob@trebic.example"]
    assert "mail-jihlava" in notice.subject
    assert "Connection refused" in notice.body


def test_the_same_message_twice_in_one_group_is_stored_once(world, imap_user):
    imap_user.append([new_message(1), new_message(1), new_message(2)])
    account = email_account(world, imap_user)

    report = imap.mailbox_poll(account=account)

    assert (report.fetched, report.stored, report.duplicates) == (3, 2, 1)
    assert [p.metadata["uid"] for p in payloads(account)] == [1, 3]  # the first copy is kept
    assert all({FLAGGED, STORED} <= set(f) for f in imap_user.flags().values())
    assert state_of(account).last_uid == 3
