"""The network of centres: transfers, read access after them, consultations, merge and split,
and the list's bulk actions."""

import io
import sys
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.core.management import call_command

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount, MessageReference
from vik.conversations import services
from vik.conversations.choices import AccessReason, Direction, EventKind, Status
from vik.conversations.models import (
    Attachment,
    Consultation,
    Interaction,
    Request,
    RequestAccess,
    TimelineEvent,
    Transfer,
)
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.notifications.models import Notification
from vik.tenancy.choices import AssignmentPolicy, Role
from vik.tenancy.models import Membership, User
from vik.testing.fixtures import run_on_commit, upload
from vik.testing.personas import TREBIC, submit_web_request

REASON = "Týká se stavebního úřadu v Třebíči."


def _member(username, centre, role=Role.AGENT):
    user = User.objects.create_user(username=username, first_name=username.capitalize())
    Membership.objects.create(user=user, region=centre.region, centre=centre, role=role)
    return user


@pytest.fixture
def lead_b(world):
    """Lenka leads centre B (Třebíč)."""
    return _member("lenka", world.centre_b, Role.CENTRE_LEAD)


@pytest.fixture
def outsider(world):
    """Olga is an agent of a centre in Jihomoravský kraj."""
    return _member("olga", world.other_centre)


@pytest.fixture
def worked_request(world, client):
    """A web request of centre A with an attachment, taken by Alice, with a note of hers."""
    request = submit_web_request(client, attachments=[upload("plan.pdf", b"%PDF-1.4 plan")])
    services.request_assign(request=request, assignee=world.alice, by=world.alice)
    services.request_note(request=request, text="Zavolat na stavební úřad.", by=world.alice)
    request.refresh_from_db()
    return request


def _page(client, user, request):
    client.force_login(user)
    return client.get(f"/staff/requests/{request.reference}/")


def _testids(response):
    return response.content.decode()


# Transfer ------------------------------------------------------------------------------------


def test_a_transfer_keeps_the_whole_request_and_tells_the_new_centre(
    world, client, worked_request, lead_b
):
    request = worked_request
    interactions = set(request.interactions.values_list("pk", flat=True))
    attachments = set(
        Attachment.objects.filter(interaction__request=request).values_list("pk", flat=True)
    )
    events_before = request.events.count()
    due = (request.first_response_due_at, request.resolution_due_at, request.due_at)

    with run_on_commit():
        transfer = services.request_transfer(
            request=request, centre=world.centre_b, reason=REASON, by=world.alice
        )

    request.refresh_from_db()
    assert request.centre == world.centre_b
    assert request.assignee is None  # Alice does not work in Třebíč
    assert request.requester.identities.filter(value="jana.dvorakova@seznam.cz").exists()
    assert set(request.interactions.values_list("pk", flat=True)) == interactions
    assert (
        set(Attachment.objects.filter(interaction__request=request).values_list("pk", flat=True))
        == attachments
    )
    assert (request.first_response_due_at, request.resolution_due_at, request.due_at) == due
    assert list(
        Transfer.objects.values_list("request", "from_centre", "to_centre", "reason", "by")
    ) == [(request.pk, world.centre_a.pk, world.centre_b.pk, REASON, world.alice.pk)]
    assert transfer.at is not None
    event = request.events.get(kind=EventKind.TRANSFERRED)
    assert event.data == {"old": "Centrum jihlava", "new": "Centrum trebic", "reason": REASON}
    assert request.events.count() == events_before + 1
    # The citizen is not asked again: nothing went out.
    assert not request.interactions.filter(
        direction=Direction.OUTBOUND, is_automatic=False
    ).exists()
    assert request.interactions.count() == len(interactions)
    # The receiving centre's lead is told; its agents are not (the lead dispatches).
    assert list(Notification.objects.values_list("user", "kind", "request")) == [
        (lead_b.pk, "transfer", request.pk)
    ]

    response = _page(client, world.bob, request)
    assert response.status_code == 200
    assert response.context["can_work"] is True
    page = _testids(response)
    assert 'data-testid="transferred-from"' in page
    assert REASON in page
    assert 'data-testid="event-transferred"' in page


def test_the_old_centre_loses_the_request_by_default(world, client, worked_request):
    services.request_transfer(
        request=worked_request, centre=world.centre_b, reason=REASON, by=world.alice
    )
    assert _page(client, world.alice, worked_request).status_code == 404
    listed = client.get("/staff/requests/").context["page"].items
    assert worked_request not in listed
    notes = worked_request.interactions.count()
    response = client.post(
        f"/staff/requests/{worked_request.reference}/note", {"text": "Ještě jedna věc."}
    )
    assert response.status_code == 404
    assert worked_request.interactions.count() == notes


def test_a_centre_that_keeps_access_reads_the_transferred_request_only(
    world, client, worked_request, outsider
):
    world.centre_a.keeps_access_after_transfer = True
    world.centre_a.save()
    request = Request.objects.get(pk=worked_request.pk)  # the centre as it is now
    services.request_transfer(request=request, centre=world.centre_b, reason=REASON, by=world.alice)
    assert RequestAccess.objects.filter(
        request=request, centre=world.centre_a, reason=AccessReason.TRANSFER, revoked_at=None
    ).exists()

    response = _page(client, world.alice, request)
    assert response.status_code == 200
    assert response.context["can_work"] is False
    page = _testids(response)
    assert 'data-testid="read-only"' in page
    assert 'data-testid="event-transferred"' in page  # both centres see the transfer
    assert 'data-testid="transfer-form"' not in page
    assert request in client.get("/staff/requests/").context["page"].items

    notes = request.interactions.count()
    client.post(f"/staff/requests/{request.reference}/note", {"text": "Ještě jedna věc."})
    assert request.interactions.count() == notes
    with pytest.raises(PermissionDenied):
        services.request_note(request=request, text="Ještě jedna věc.", by=world.alice)

    # The new centre works it; nobody of another region ever sees it.
    assert _page(client, world.bob, request).context["can_work"] is True
    assert _page(client, outsider, request).status_code == 404
    assert _page(client, world.dave, request).status_code == 404


def test_a_transfer_needs_a_reason_and_a_centre_of_the_region(world, worked_request):
    with pytest.raises(ValidationFailed):
        services.request_transfer(
            request=worked_request, centre=world.centre_b, reason="  ", by=world.alice
        )
    with pytest.raises(PermissionDenied):
        services.request_transfer(
            request=worked_request, centre=world.other_centre, reason=REASON, by=world.alice
        )
    with pytest.raises(PermissionDenied):  # Bob cannot give away what is not his centre's
        services.request_transfer(
            request=worked_request, centre=world.centre_b, reason=REASON, by=world.bob
        )
    worked_request.refresh_from_db()
    assert worked_request.centre == world.centre_a
    assert worked_request.assignee == world.alice
    assert not Transfer.objects.exists()
    assert not worked_request.events.filter(kind=EventKind.TRANSFERRED).exists()


def test_a_coordinator_keeps_the_assignee_she_transfers(world, worked_request):
    services.request_assign(request=worked_request, assignee=world.carol, by=world.carol)
    services.request_transfer(
        request=worked_request, centre=world.centre_b, reason=REASON, by=world.carol
    )
    worked_request.refresh_from_db()
    assert (worked_request.centre, worked_request.assignee) == (world.centre_b, world.carol)


def test_the_page_transfers_and_the_old_move_still_works(world, client, worked_request):
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{worked_request.reference}/").content.decode()
    assert 'data-testid="transfer-form"' in page
    response = client.post(
        f"/staff/requests/{worked_request.reference}/transfer",
        {"centre": world.regional_centre.pk, "reason": REASON},
    )
    assert response.status_code == 302
    worked_request.refresh_from_db()
    assert worked_request.centre == world.regional_centre

    client.force_login(world.carol)
    client.post(f"/staff/requests/{worked_request.reference}/centre", {"centre": world.centre_b.pk})
    worked_request.refresh_from_db()
    assert worked_request.centre == world.centre_b
    assert list(Transfer.objects.values_list("to_centre", flat=True)) == [
        world.regional_centre.pk,
        world.centre_b.pk,
    ]
    assert all(Transfer.objects.values_list("reason", flat=True))


# Consultation --------------------------------------------------------------------------------


def test_a_consulted_centre_reads_answers_and_then_loses_access(
    world, client, worked_request, lead_b
):
    request = worked_request
    with run_on_commit():
        consultation = services.consultation_ask(
            request=request, centre=world.centre_b, question="Je to vaše parcela?", by=world.alice
        )
    assert list(Notification.objects.values_list("user", "kind")) == [(lead_b.pk, "consultation")]

    client.force_login(world.bob)
    listed = client.get("/staff/consultations/")
    assert [c.pk for c in listed.context["consultations"]] == [consultation.pk]
    response = client.get(f"/staff/requests/{request.reference}/")
    assert response.status_code == 200
    assert response.context["can_work"] is False
    page = response.content.decode()
    assert 'data-testid="consultation-answer-form"' in page
    assert 'data-testid="transfer-form"' not in page
    # Reading is not working.
    notes = request.interactions.count()
    client.post(f"/staff/requests/{request.reference}/note", {"text": "Poznámka."})
    client.post(f"/staff/requests/{request.reference}/status", {"status": Status.RESOLVED})
    request.refresh_from_db()
    assert request.interactions.count() == notes
    assert request.status != Status.RESOLVED

    response = client.post(
        f"/staff/consultations/{consultation.pk}/answer", {"answer": "Ano, je naše."}
    )
    assert response.status_code == 302
    assert response.url == "/staff/consultations/"  # the request is no longer Bob's to read
    consultation.refresh_from_db()
    assert (consultation.answer, consultation.answered_by) == ("Ano, je naše.", world.bob)
    note = request.interactions.get(direction=Direction.INTERNAL, author=world.bob)
    assert note.text == "Ano, je naše."
    assert request.events.filter(kind=EventKind.CONSULTATION_ANSWERED).count() == 1
    assert request.events.filter(kind=EventKind.CONSULTATION_ASKED).count() == 1
    assert client.get(f"/staff/requests/{request.reference}/").status_code == 404
    assert client.get("/staff/consultations/").context["consultations"] == []
    assert Notification.objects.filter(user=world.alice, kind="consultation").count() == 1

    # Alice sees the answer on her request.
    page = _page(client, world.alice, request).content.decode()
    assert 'data-testid="consultation-answer"' in page


def test_only_the_consulted_centre_answers_and_only_once(world, client, worked_request):
    consultation = services.consultation_ask(
        request=worked_request, centre=world.centre_b, question="Je to vaše?", by=world.alice
    )
    client.force_login(world.alice)
    assert (
        client.post(
            f"/staff/consultations/{consultation.pk}/answer", {"answer": "Sama sobě."}
        ).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        services.consultation_answer(consultation=consultation, answer="Sama.", by=world.alice)
    services.consultation_answer(consultation=consultation, answer="Ano.", by=world.bob)
    with pytest.raises(ValidationFailed):
        services.consultation_answer(consultation=consultation, answer="Znovu.", by=world.bob)
    assert worked_request.interactions.filter(direction=Direction.INTERNAL).count() == 2


def test_a_consulted_centre_can_be_configured_to_keep_access(
    world, client, worked_request, settings
):
    settings.VIK_CONSULTATION_KEEPS_ACCESS = True
    consultation = services.consultation_ask(
        request=worked_request, centre=world.centre_b, question="Je to vaše?", by=world.alice
    )
    services.consultation_answer(consultation=consultation, answer="Ano.", by=world.bob)
    response = _page(client, world.bob, worked_request)
    assert response.status_code == 200
    assert response.context["can_work"] is False


# Merge ---------------------------------------------------------------------------------------


@pytest.fixture
def mailbox(world):
    return ChannelAccount.objects.create(
        region=world.region, centre=world.centre_a, kind=ChannelKind.EMAIL,
        name="podatelna-jihlava",
        settings={"smtp": {"from": "podatelna@jihlava.example"}, "acknowledge": False},
    )  # fmt: skip


def mail(*, subject, body="Dobrý den, prosím o informaci.", in_reply_to="", attachment=None):
    message = EmailMessage()
    message["From"] = "Jan Novák <jan.novak@example.cz>"
    message["To"] = "podatelna@jihlava.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain="example.cz")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(body)
    if attachment:
        message.add_attachment(
            attachment[1], maintype="application", subtype="pdf", filename=attachment[0]
        )
    return message


def pipe(monkeypatch, account, message):
    """Deliver like Postfix's pipe transport: the message on stdin of `vik ingest-mail`."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(message.as_bytes())))
    with run_on_commit(), pytest.raises(SystemExit) as exit_status:
        call_command("ingest-mail", account=account.name)
    assert int(exit_status.value.code or 0) == 0
    return Interaction.objects.get(
        inbound_payload__idempotency_key__endswith=message["Message-ID"].strip("<>")
    )


def test_a_merge_joins_the_timelines_and_threads_replies_into_the_target(
    world, client, mailbox, monkeypatch
):
    first = mail(subject="Svoz odpadu", body="Kdy se vyváží bioodpad?")
    source = pipe(monkeypatch, mailbox, first).request
    services.request_note(request=source, text="Zjistit u technických služeb.", by=world.alice)
    target = pipe(
        monkeypatch, mailbox, mail(subject="Bioodpad", body="A kde je popelnice?")
    ).request
    assert source != target
    moved = set(source.interactions.values_list("pk", flat=True))
    moved_events = set(source.events.values_list("pk", flat=True))

    client.force_login(world.alice)
    response = client.post(
        f"/staff/requests/{source.reference}/merge", {"target": target.reference.lower()}
    )
    assert response.status_code == 302

    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.merged_into, source.status) == (target, Status.CLOSED)
    assert source.closed_at is not None
    assert not source.interactions.exists()
    assert moved <= set(target.interactions.values_list("pk", flat=True))
    assert moved_events <= set(target.events.values_list("pk", flat=True))
    assert source.events.filter(kind=EventKind.MERGED, data__reference=target.reference).exists()
    assert target.events.filter(kind=EventKind.MERGED, data__reference=source.reference).exists()
    assert not MessageReference.objects.filter(request=source).exists()
    timeline = client.get(f"/staff/requests/{target.reference}/").context["timeline"]
    times = [getattr(entry, "occurred_at", None) or entry.created_at for entry in timeline]
    assert times == sorted(times)
    assert target.interactions.filter(direction=Direction.INBOUND).count() == 2

    page = client.get(f"/staff/requests/{source.reference}/").content.decode()
    assert 'data-testid="merged-into"' in page
    assert f'href="/staff/requests/{target.reference}/"' in page
    assert 'data-testid="merge-form"' not in page
    assert 'id="reply-form"' not in page  # the work goes on in the target
    with pytest.raises(ValidationFailed):
        services.request_reply(request=source, by=world.alice, text="Dobrý den")

    # The citizen answers the source's first message: it lands in the target.
    reply = pipe(
        monkeypatch, mailbox, mail(subject="Re: Svoz odpadu", in_reply_to=first["Message-ID"])
    )
    assert reply.request == target
    # ... and so does a message quoting the source's reference.
    quoted = pipe(monkeypatch, mailbox, mail(subject=f"[{source.reference}] doplnění"))
    assert quoted.request == target
    assert Request.objects.count() == 2


def test_a_merge_is_refused_into_itself_into_a_pointer_or_across_centres(
    world, client, mailbox, monkeypatch
):
    one = pipe(monkeypatch, mailbox, mail(subject="Jedna")).request
    two = pipe(monkeypatch, mailbox, mail(subject="Dvě")).request
    three = pipe(monkeypatch, mailbox, mail(subject="Tři")).request
    with pytest.raises(ValidationFailed):
        services.request_merge(source=one, target=one, by=world.alice)
    services.request_merge(source=two, target=three, by=world.alice)
    two.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.request_merge(source=one, target=two, by=world.alice)
    trebic = submit_web_request(client, municipality=TREBIC, email="t@example.cz")
    with pytest.raises(PermissionDenied):
        services.request_merge(source=one, target=trebic, by=world.alice)
    one.refresh_from_db()
    assert (one.merged_into, one.status) == (None, Status.NEW)
    assert one.interactions.count() == 1
    assert not one.events.filter(kind=EventKind.MERGED).exists()


# Split ---------------------------------------------------------------------------------------


def test_a_split_makes_one_message_a_request_of_its_own(world, client, mailbox, monkeypatch):
    first = mail(subject="Svoz odpadu")
    original = pipe(monkeypatch, mailbox, first).request
    services.request_assign(request=original, assignee=world.alice, by=world.alice)
    second = mail(
        subject="Parkovací karta", body="A ještě: jak získám parkovací kartu?",
        in_reply_to=first["Message-ID"], attachment=("karta.pdf", b"%PDF-1.4 karta"),
    )  # fmt: skip
    message = pipe(monkeypatch, mailbox, second)
    assert message.request == original

    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{original.reference}/").content.decode()
    assert page.count('data-testid="split-form"') == 2
    response = client.post(f"/staff/requests/{original.reference}/interactions/{message.pk}/split")
    new = Request.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302
    assert response.url == f"/staff/requests/{new.reference}/"
    assert (new.requester, new.centre, new.topic, new.municipality, new.follow_up_of) == (
        original.requester, original.centre, original.topic, original.municipality, original,
    )  # fmt: skip
    assert new.subject == "Parkovací karta"
    assert new.assignee == world.alice
    message.refresh_from_db()
    assert message.request == new
    assert list(message.attachments.values_list("filename", flat=True)) == ["karta.pdf"]
    assert list(original.interactions.values_list("direction", flat=True)) == ["inbound"]
    assert original.events.filter(kind=EventKind.SPLIT, data__reference=new.reference).exists()
    assert new.events.filter(kind=EventKind.SPLIT, data__reference=original.reference).exists()
    assert new.events.filter(kind=EventKind.CREATED).exists()

    # A reply to the split message continues the new request.
    reply = pipe(monkeypatch, mailbox, mail(subject="Re: karta", in_reply_to=second["Message-ID"]))
    assert reply.request == new
    # The one message left cannot be split off.
    with pytest.raises(ValidationFailed):
        services.request_split(interaction=original.interactions.get(), by=world.alice)
    assert Request.objects.count() == 2


def test_only_who_works_a_request_splits_it(world, mailbox, monkeypatch):
    first = mail(subject="Svoz odpadu")
    original = pipe(monkeypatch, mailbox, first).request
    message = pipe(monkeypatch, mailbox, mail(subject="Re", in_reply_to=first["Message-ID"]))
    with pytest.raises(PermissionDenied):
        services.request_split(interaction=message, by=world.bob)
    note = services.request_note(request=original, text="Pozn.", by=world.alice)
    with pytest.raises(ValidationFailed):  # a note is no message of the citizen's
        services.request_split(interaction=note, by=world.alice)
    assert Request.objects.count() == 1
    assert original.interactions.filter(direction=Direction.INBOUND).count() == 2


# Bulk actions --------------------------------------------------------------------------------


@pytest.fixture
def four_requests(world, client):
    """Three requests of centre A (one closed) and one of centre B."""
    made = [submit_web_request(client, email=f"obcan{n}@example.cz") for n in range(3)]
    services.request_set_status(request=made[2], status=Status.CLOSED, by=world.carol)
    made.append(submit_web_request(client, municipality=TREBIC, email="t@example.cz"))
    return made


def test_bulk_status_reports_each_failure_and_keeps_the_rest(world, four_requests):
    ours, closed, theirs = four_requests[:2], four_requests[2], four_requests[3]
    references = [r.reference for r in four_requests] + ["VYS-1999-000001"]
    result = services.requests_bulk_apply(
        user=world.alice, references=references, action="status", value=Status.OPEN
    )
    assert result.done == [r.reference for r in ours]
    assert set(result.failed) == {closed.reference, theirs.reference, "VYS-1999-000001"}
    assert all(result.failed.values())
    assert set(Request.objects.filter(status=Status.OPEN)) == set(ours)
    theirs.refresh_from_db()
    assert theirs.status == Status.NEW
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED


def test_bulk_assign_tag_and_transfer(world, four_requests):
    references = [r.reference for r in four_requests[:2]]
    result = services.requests_bulk_apply(
        user=world.alice, references=references, action="assign", value="me"
    )
    assert result.failed == {}
    assert set(Request.objects.filter(assignee=world.alice)) == set(four_requests[:2])
    result = services.requests_bulk_apply(
        user=world.alice, references=references, action="assign", value=str(world.bob.pk)
    )
    assert set(result.failed) == set(references)  # Bob does not work in Jihlava
    assert set(Request.objects.filter(assignee=world.alice)) == set(four_requests[:2])

    result = services.requests_bulk_apply(
        user=world.alice, references=references, action="tag", value="odpady"
    )
    assert result.done == references
    assert set(Request.objects.filter(tags__name="odpady")) == set(four_requests[:2])

    result = services.requests_bulk_apply(
        user=world.alice, references=references, action="transfer", value=str(world.centre_b.pk)
    )
    assert set(result.failed) == set(references)  # no reason given
    assert not Transfer.objects.exists()
    result = services.requests_bulk_apply(
        user=world.alice, references=references, action="transfer",
        value=str(world.centre_b.pk), reason=REASON,
    )  # fmt: skip
    assert result.done == references
    assert set(Request.objects.filter(centre=world.centre_b)) == {
        *four_requests[:2],
        four_requests[3],
    }


def test_bulk_actions_of_a_reader_change_nothing(world, four_requests):
    references = [r.reference for r in four_requests]
    result = services.requests_bulk_apply(
        user=world.erin, references=references, action="tag", value="odpady"
    )
    assert result.done == []
    assert set(result.failed) == set(references)
    assert not TimelineEvent.objects.filter(kind=EventKind.TAGS_CHANGED).exists()
    result = services.requests_bulk_apply(
        user=world.alice, references=references, action="archive", value=""
    )
    assert set(result.failed) == set(references)
    assert not Consultation.objects.exists()


def test_the_new_centres_assignment_policy_applies_after_a_transfer(world, worked_request):
    world.centre_b.assignment_policy = AssignmentPolicy.ROUND_ROBIN
    world.centre_b.save()
    services.request_transfer(
        request=worked_request, centre=world.centre_b, reason=REASON, by=world.alice
    )
    worked_request.refresh_from_db()
    assert worked_request.assignee == world.bob
    assert Notification.objects.filter(user=world.bob, kind="assigned").count() == 1


def test_a_request_transferred_back_is_worked_again_not_only_read(world, client, worked_request):
    world.centre_a.keeps_access_after_transfer = True
    world.centre_a.save()
    request = Request.objects.get(pk=worked_request.pk)
    services.request_transfer(request=request, centre=world.centre_b, reason=REASON, by=world.alice)
    services.request_transfer(request=request, centre=world.centre_a, reason="Zpět.", by=world.bob)
    assert not RequestAccess.objects.filter(revoked_at=None).exists()  # Třebíč keeps nothing
    assert _page(client, world.alice, request).context["can_work"] is True
    assert _page(client, world.bob, request).status_code == 404
    page = _page(client, world.alice, request).content.decode()
    assert 'data-testid="transferred-from"' in page
    assert "Zpět." in page
