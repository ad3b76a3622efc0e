"""Notifications: mentions, the citizen's replies, e-mail by preference, the list and the bell."""

import uuid
from smtplib import SMTPRecipientsRefused

import pytest

from vik.conversations import services as conversations
from vik.core.testing import run_on_commit
from vik.workspace import services
from vik.workspace.models import Notification, NotificationPreference


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
    assert page.count('data-testid="preference"') == 7
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
    assert 'data-mention="carol"' in offered
    for absent in ("alice", "bob", "dave", "erin"):
        assert f'data-mention="{absent}"' not in offered


def test_a_refused_email_is_sent_by_a_retry(emails, smtp_sink):
    world = emails
    smtp_sink.refuse.add("carol@vik.example")
    notification = services.notification_send(user=world.carol, kind="sla_warning", text="Pozor")
    with pytest.raises(SMTPRecipientsRefused):
        services.notification_email(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    smtp_sink.refuse.clear()
    assert services.notification_email(notification_id=notification.pk) is True
    assert [m["To"] for m in smtp_sink.messages] == ["carol@vik.example"]


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
