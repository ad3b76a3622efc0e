"""Notifications: mentions, the citizen's replies, e-mail by preference, the list and the bell."""

import datetime as dt
import uuid
from typing import Any

import pytest

from vik.conversations import services as conversations
from vik.core import clock
from vik.core.tasks import backoff, stale_claim
from vik.notifications import services
from vik.notifications.models import Notification, NotificationPreference
from vik.testing.fixtures import run_on_commit
from vik.testing.smtp import free_port


@pytest.fixture
def emails(world):
    for user in (world.alice, world.bob, world.carol, world.dave):
        user.email = f"{user.username}@vik.example"
        user.save(update_fields=["email"])
    return world


def test_a_mention_notifies_only_colleagues_who_may_see_the_request(world, citizen_request):
    """Carol coordinates the region (she sees it); Bob is in another centre, Dave in another
    region; Alice wrote the note; nobody is called "nikdo"."""
    conversations.request_note(
        request=citizen_request,
        by=world.alice,
        text="Prosím o radu @carol, @bob, @dave, @alice a @nikdo.\nDruhý řádek",
    )
    [notification] = Notification.objects.all()
    assert notification.user == world.carol
    assert notification.kind == "mention"
    assert notification.request == citizen_request
    assert "Prosím o radu @carol" in notification.text
    assert "Druhý řádek" not in notification.text


def test_a_mention_is_highlighted_in_the_note(world, client, citizen_request):
    conversations.request_note(request=citizen_request, by=world.alice, text="Ahoj @carol <b>")
    client.force_login(world.carol)
    page = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    assert '<mark class="vik-mention" data-testid="mention">@carol</mark> &lt;b&gt;' in page


def test_a_mention_is_emailed_by_default(emails, citizen_request, smtp_sink):
    world = emails
    with run_on_commit():
        conversations.request_note(request=citizen_request, by=world.alice, text="@carol mrkni")
    [mail] = smtp_sink.messages
    assert mail["To"] == "carol@vik.example"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "@carol mrkni" in body
    assert f"/staff/requests/{citizen_request.reference}/" in body
    assert Notification.objects.get().emailed_at is not None


def test_no_email_when_the_user_does_not_want_it(emails, citizen_request, smtp_sink):
    world = emails
    NotificationPreference.objects.create(
        user=world.carol, kind="mention", in_app=True, by_email=False
    )
    with run_on_commit():
        conversations.request_note(request=citizen_request, by=world.alice, text="@carol mrkni")
    assert smtp_sink.messages == []
    assert Notification.objects.get().emailed_at is None


def test_the_citizens_reply_notifies_the_assignee_in_the_workspace_only(
    emails, client, citizen_request, smtp_sink
):
    world = emails
    conversations.request_assign(request=citizen_request, assignee=world.alice, by=world.alice)
    with run_on_commit():
        response = client.post(
            f"/sledovani/{citizen_request.public_token}/",
            {"submission_id": str(uuid.uuid4()), "message": "Ještě jedna otázka."},
        )
    assert response.status_code == 302
    [notification] = Notification.objects.all()
    assert (notification.user, notification.kind) == (world.alice, "citizen_replied")
    assert notification.request == citizen_request
    assert smtp_sink.messages == []  # "citizen replied" is not e-mailed by default


def test_the_settings_page_stores_preferences(emails, client, citizen_request, smtp_sink):
    world = emails
    client.force_login(world.alice)
    page = client.get("/staff/notifications/settings").content.decode()
    assert page.count('data-testid="preference"') == 9  # and a survey's, a training's
    client.post(
        "/staff/notifications/settings",
        {
            "citizen_replied-in_app": "on",
            "citizen_replied-by_email": "on",
            "mention-by_email": "on",
        },
    )
    stored = {
        p.kind: (p.in_app, p.by_email)
        for p in NotificationPreference.objects.filter(user=world.alice)
    }
    assert stored["citizen_replied"] == (True, True)
    assert stored["mention"] == (False, True)
    assert stored["assigned"] == (False, False)

    # e-mail only: the row is kept as read, so the workspace does not count it
    with run_on_commit():
        conversations.request_note(request=citizen_request, by=world.carol, text="@alice hele")
    notification = Notification.objects.get(user=world.alice)
    assert notification.read_at is not None
    [mail] = smtp_sink.messages
    assert mail["To"] == "alice@vik.example"


def test_unread_count_and_marking_read(world, client, citizen_request):
    for number in range(3):
        services.notification_send(
            user=world.alice, kind="assigned", text=f"Zpráva {number}", request=citizen_request
        )
    services.notification_send(user=world.bob, kind="assigned", text="Bobova")
    client.force_login(world.alice)
    bell = client.get("/staff/notifications/bell").content.decode()
    assert 'data-testid="unread-count">3<' in bell

    first = Notification.objects.filter(user=world.alice).order_by("pk").first()
    client.post(f"/staff/notifications/{first.pk}/read")
    bob_notification = Notification.objects.get(user=world.bob)
    client.post(f"/staff/notifications/{bob_notification.pk}/read")  # not hers: nothing happens
    bob_notification.refresh_from_db()
    assert bob_notification.read_at is None
    assert (
        'data-testid="unread-count">2<' in client.get("/staff/notifications/bell").content.decode()
    )

    page = client.get("/staff/notifications/")
    flags = [n.read_at is None for n in page.context["items"]]
    assert flags == [True, True, False]  # unread first
    assert f"/staff/requests/{citizen_request.reference}/" in page.content.decode()

    client.post("/staff/notifications/read-all")
    assert not Notification.objects.filter(user=world.alice, read_at__isnull=True).exists()
    assert (
        'data-testid="unread-count"' not in client.get("/staff/notifications/bell").content.decode()
    )
    assert Notification.objects.get(user=world.bob).read_at is None


def test_the_email_is_sent_once(emails, citizen_request, smtp_sink):
    world = emails
    notification = services.notification_send(user=world.carol, kind="sla_warning", text="Pozor")
    assert services.notification_email(notification_id=notification.pk) is True
    assert services.notification_email(notification_id=notification.pk) is False
    assert len(smtp_sink.messages) == 1


def test_the_note_form_offers_the_colleagues_who_may_be_mentioned(world, client, citizen_request):
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    assert f'hx-get="/staff/requests/{citizen_request.reference}/colleagues"' in page
    offered = client.get(f"/staff/requests/{citizen_request.reference}/colleagues").content.decode()
    assert 'data-mention="Carol Test"' in offered
    for absent in ("Alice", "Bob", "Dave", "Erin"):
        assert f'data-mention="{absent} Test"' not in offered


def _later(seconds: float) -> Any:
    return clock.travel(clock.now() + dt.timedelta(seconds=seconds))


def test_a_refused_email_waits_for_its_backoff_and_the_sweeper_sends_it(emails, smtp_sink):
    world = emails
    smtp_sink.refuse.add("carol@vik.example")
    with run_on_commit():
        notification = services.notification_send(
            user=world.carol, kind="sla_warning", text="Pozor"
        )
    notification.refresh_from_db()
    assert (notification.emailed_at, notification.email_attempts) == (None, 1)
    assert "550" in notification.email_error  # why, for whoever looks
    smtp_sink.refuse.clear()
    assert services.notification_email(notification_id=notification.pk) is False  # not yet due
    assert services.notification_emails_sweep() == 0
    with _later(backoff(1).total_seconds() + 1):
        assert services.notification_emails_sweep() == 1
    assert [m["To"] for m in smtp_sink.messages] == ["carol@vik.example"]
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert (notification.email_due_at, notification.email_error) == (None, "")
    with _later(3600):
        assert services.notification_emails_sweep() == 0  # sent: never again


def test_while_the_mail_server_is_down_no_email_is_lost(
    emails, citizen_request, smtp_sink, settings, client
):
    world = emails
    settings.EMAIL_PORT = free_port()  # nothing listens there
    drafts = [
        services.NotificationDraft(user, "sla_warning", f"Pozor {user.username}", citizen_request)
        for user in (world.alice, world.bob, world.carol)
    ]
    with run_on_commit():
        services.notifications_send(drafts)
    assert smtp_sink.messages == []
    waiting = Notification.objects.filter(emailed_at__isnull=True, email_due_at__isnull=False)
    assert waiting.count() == 3
    assert all("Connection" in error for error in waiting.values_list("email_error", flat=True))
    assert client.get("/healthz").json()["notification_emails"] == {"waiting": 3}
    with _later(backoff(1).total_seconds() + 1):  # still down: the next attempt waits longer
        assert services.notification_emails_sweep() == 3
    assert set(waiting.values_list("email_attempts", flat=True)) == {2}
    settings.EMAIL_PORT = smtp_sink.port  # the mail server is back
    with _later(backoff(1).total_seconds() + backoff(2).total_seconds() + 2):
        assert services.notification_emails_sweep() == 3
    assert sorted(m["To"] for m in smtp_sink.messages) == [
        "alice@vik.example", "bob@vik.example", "carol@vik.example"
    ]  # fmt: skip
    assert not waiting.exists()
    assert client.get("/healthz").json()["notification_emails"] == {"waiting": 0}


def test_a_notification_email_is_given_up_after_the_last_attempt(emails, smtp_sink, settings):
    world = emails
    settings.VIK_OUTBOUND_MAX_ATTEMPTS = 2
    smtp_sink.refuse.add("carol@vik.example")
    with run_on_commit():
        notification = services.notification_send(
            user=world.carol, kind="sla_warning", text="Pozor"
        )
    with _later(3600):
        assert services.notification_emails_sweep() == 1
    notification.refresh_from_db()
    assert (notification.email_attempts, notification.email_due_at) == (2, None)
    assert notification.emailed_at is None and "550" in notification.email_error
    with _later(7200):
        assert services.notification_emails_sweep() == 0
    assert smtp_sink.messages == []


def test_a_lost_task_is_replaced_by_the_sweeper_after_the_lease(emails, smtp_sink):
    """A crash between the commit and the enqueue: the e-mail's task never runs."""
    world = emails
    notification = services.notification_send(user=world.carol, kind="sla_warning", text="Pozor")
    assert services.notification_emails_sweep() == 0  # its own task may still come
    with _later(stale_claim().total_seconds() + 1):
        assert services.notification_emails_sweep() == 1
    assert [m["To"] for m in smtp_sink.messages] == ["carol@vik.example"]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


@pytest.mark.parametrize("records", [True, False], ids=["interrupted", "killed"])
def test_a_worker_stopped_while_sending_loses_no_email(
    emails, citizen_request, smtp_sink, monkeypatch, records
):
    """Interrupted: the sent e-mails are recorded on the way out and only the rest are sent
    later. Killed: nothing is recorded, and the whole claim is sent again after the lease."""
    from django.core.mail import EmailMessage

    world = emails
    users = (world.alice, world.bob, world.carol)
    drafts = [services.NotificationDraft(u, "sla_warning", "Pozor", citizen_request) for u in users]
    notifications = services.notifications_send(drafts)
    send = EmailMessage.send
    calls = []

    def dies_at_the_second(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return send(message, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", dies_at_the_second)
        if not records:
            patch.setattr(services, "_emails_record", lambda **kwargs: None)
        with pytest.raises(KeyboardInterrupt):
            services.notification_emails(notification_ids=[n.pk for n in notifications])
    assert [m["To"] for m in smtp_sink.messages] == ["alice@vik.example"]
    assert services.notification_emails_sweep() == 0  # the claim's lease holds
    with _later(stale_claim().total_seconds() + 1):
        assert services.notification_emails_sweep() == (2 if records else 3)
    received = sorted(m["To"] for m in smtp_sink.messages)
    again = [] if records else ["alice@vik.example"]
    assert received == sorted(["alice@vik.example", "bob@vik.example", "carol@vik.example", *again])
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_an_assignment_by_a_colleague_notifies_the_assignee_and_taking_it_does_not(
    emails, citizen_request, smtp_sink
):
    world = emails
    with run_on_commit():
        conversations.request_assign(request=citizen_request, assignee=world.alice, by=world.alice)
    assert not Notification.objects.exists()
    with run_on_commit():
        conversations.request_assign(request=citizen_request, assignee=world.alice, by=world.carol)
    [notification] = Notification.objects.all()
    assert (notification.user, notification.kind) == (world.alice, "assigned")
    assert citizen_request.reference in notification.text
    [mail] = smtp_sink.messages  # "assigned" is e-mailed by default
    assert mail["To"] == "alice@vik.example"


def test_a_mention_by_full_name_of_several_words_notifies_that_colleague(
    world, client, citizen_request
):
    """What the colleague buttons insert ("@Carol Test") parses back to Carol."""
    world.carol.first_name, world.carol.last_name = "Jana", "Nováková"
    world.carol.save(update_fields=["first_name", "last_name"])
    conversations.request_note(
        request=citizen_request, by=world.alice, text="Prosím @Jana Nováková, mrkni na to."
    )
    [notification] = Notification.objects.all()
    assert notification.user == world.carol
    client.force_login(world.carol)
    page = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    assert '<mark class="vik-mention" data-testid="mention">@Jana Nováková</mark>, mrkni' in page


def test_an_ambiguous_mention_notifies_nobody_and_the_longest_name_wins(world, citizen_request):
    from vik.notifications.selectors import mentioned_users

    class Person:
        def __init__(self, pk, username, first, last):
            self.pk, self.username, self.first, self.last = pk, username, first, last

        def get_full_name(self):
            return f"{self.first} {self.last}".strip()

    jana_n = Person(1, "jnovakova", "Jana", "Nováková")
    jana_n2 = Person(2, "jnovakova2", "Jana", "Nováková")
    jana = Person(3, "jana", "Jana", "")
    petr = Person(4, "pdvorak", "Petr", "Dvořák")
    people = [jana_n, jana, petr]
    assert mentioned_users("@Jana Nováková mrkni", people) == [jana_n]
    assert mentioned_users("@jana  nováková, mrkni", people) == [jana_n]
    assert mentioned_users("@Jana mrkni", people) == [jana]
    assert mentioned_users("@pdvorak a @Petr Dvořák", people) == [petr]
    assert mentioned_users("@Jana\nNováková", people) == [jana]
    assert mentioned_users("@Janaki", people) == []
    assert mentioned_users("mail@Jana Nováková", people) == []
    assert mentioned_users("@Jana Nováková", [jana_n, jana_n2]) == []  # two of that name
