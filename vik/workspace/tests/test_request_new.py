"""Requests a clerk records (`/staff/requests/new/`): by phone, at the counter, by letter or on
their own initiative; the contact found by any notation of a number or created on the spot; the
statutory deadline from the entered receipt; answered on the spot; the receipt (PDF, e-mail)."""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import Any

import pytest
from django.urls import reverse

from vik.audit.models import AuditEvent
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount, OutboundMessage
from vik.channels.core.registry import registered_kinds
from vik.contacts.choices import IdentityKind
from vik.contacts.models import Contact, Identity
from vik.conversations import services
from vik.conversations.choices import Direction, EventKind, RequestKind, Status
from vik.conversations.models import Attachment, Interaction, Request, TimelineEvent
from vik.core import clock
from vik.core.errors import PermissionDenied
from vik.routing.models import RoutingRule
from vik.testing.fixtures import run_on_commit, upload
from vik.testing.personas import World, submit_web_request

pytestmark = pytest.mark.django_db

NEW = "/staff/requests/new/"


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    received = clock.now().astimezone(clock.PRAGUE) - dt.timedelta(minutes=5)
    data: dict[str, Any] = {
        "channel": "phone",
        "centre": world.centre_a.pk,
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "contact": "",
        "name": "Karel Novák",
        "phone": "777 123 456",
        "email": "",
        "municipality": "Jihlava (okres Jihlava)",
        "topic": "",
        "kind": "inquiry",
        "subject": "",
        "text": "Volal, kdy je otevřen úřad v sobotu.",
        "answer": "",
        "call": "",
    }
    data.update(overrides)
    return data


def record(client: Any, data: dict[str, Any]) -> Any:
    with run_on_commit():
        return client.post(NEW, data)


def test_the_url_is_the_one_the_phone_pop_up_links_to() -> None:
    assert reverse("staff:request_new") == NEW


@pytest.mark.parametrize("channel", ["phone", "counter", "letter", "internal"])
def test_a_clerk_records_a_request_by_each_channel(world: World, login: Any, channel: str) -> None:
    client = login(world.alice)
    # Třebíč belongs to centre B by territory: the clerk's own centre takes it all the same.
    response = record(
        client, form_data(world, channel=channel, municipality="Třebíč (okres Třebíč)")
    )

    request = Request.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/requests/{request.reference}/"
    assert request.origin_channel == channel
    assert request.centre_id == world.centre_a.pk
    assert request.municipality is not None and request.municipality.name == "Třebíč"
    assert request.status == Status.NEW
    assert request.subject == "Volal, kdy je otevřen úřad v sobotu."
    first = Interaction.objects.get(request=request)
    assert (first.direction, first.channel, first.author_id) == (
        Direction.INBOUND, channel, world.alice.pk,
    )  # fmt: skip
    assert first.contact_id == request.requester_id
    created = TimelineEvent.objects.get(request=request, kind=EventKind.CREATED)
    assert (created.actor_id, created.data) == (world.alice.pk, {"channel": channel})
    audit = AuditEvent.objects.get(action="request.record")
    assert audit.object_id == str(request.pk)
    assert audit.actor_id == world.alice.pk


def test_a_routing_rule_may_move_a_recorded_request(world: World, login: Any) -> None:
    RoutingRule.objects.create(
        region=world.region, name="telefony do Třebíče", position=1,
        conditions={"channels": ["phone"]}, actions={"centre": world.centre_b.pk},
    )  # fmt: skip
    client = login(world.alice)

    response = record(client, form_data(world))

    request = Request.objects.get()
    assert request.centre_id == world.centre_b.pk
    # Alice no longer sees it: she lands on its receipt, which she may still give.
    assert response["Location"] == f"/staff/requests/{request.reference}/receipt/"
    assert client.get(response["Location"]).status_code == 200


def test_contact_search_finds_one_contact_by_three_phone_notations(
    world: World, login: Any, client: Any
) -> None:
    earlier = submit_web_request(client, name="Marie Svobodová", phone="+420777123456")
    other = Contact.objects.create(region=world.region, name="Marie Svobodová-Jiná")
    Identity.objects.create(
        contact=other, region=world.region, kind=IdentityKind.PHONE, value="+420777123457"
    )
    alice = login(world.alice)

    for notation in ("+420 777 123 456", "777123456", "00420777123456"):
        page = alice.get(
            reverse("staff:request_new_contacts"), {"contact_query": notation}
        ).content.decode()
        assert page.count('data-testid="contact-match"') == 1, notation
        assert f'data-contact-id="{earlier.requester_id}"' in page
        assert earlier.reference in page  # the contact's open request

    by_name = alice.get(reverse("staff:request_new_contacts"), {"contact_query": "svobodová"})
    # The other Marie has no request of Alice's centre: Alice does not see her.
    assert by_name.content.decode().count('data-testid="contact-match"') == 1
    by_mail = alice.get(
        reverse("staff:request_new_contacts"), {"contact_query": "JANA.Dvorakova@seznam.cz"}
    )
    assert f'data-contact-id="{earlier.requester_id}"' in by_mail.content.decode()


def test_a_contact_is_created_on_the_spot_and_found_again(world: World, login: Any) -> None:
    client = login(world.alice)
    record(client, form_data(world, name="Petr Malý", phone="+420 603 111 222",
                             email="Petr.Maly@Example.CZ"))  # fmt: skip
    record(client, form_data(world, name="", phone="00420603111222", channel="letter"))

    contact = Contact.objects.get()
    assert contact.name == "Petr Malý"
    assert sorted(contact.identities.values_list("kind", "value")) == [
        ("email", "petr.maly@example.cz"), ("phone", "+420603111222"),
    ]  # fmt: skip
    assert Request.objects.filter(requester=contact).count() == 2


def test_a_chosen_contact_is_the_requester(world: World, login: Any, client: Any) -> None:
    earlier = submit_web_request(client)
    alice = login(world.alice)

    record(alice, form_data(world, contact=earlier.requester_id, name="", phone=""))

    assert Request.objects.exclude(pk=earlier.pk).get().requester_id == earlier.requester_id
    assert Contact.objects.count() == 1


def test_an_information_request_runs_from_the_entered_receipt(world: World, login: Any) -> None:
    client = login(world.alice)
    # Received Tuesday 13 October 2026 late in the evening (Prague); day 15 is the 28th, the
    # Czechoslovak independence day, a public holiday: the last day is Thursday the 29th.
    record(
        client,
        form_data(world, kind=RequestKind.INFORMATION_REQUEST, channel="letter",
                  received_at="2026-10-13T23:30"),
    )  # fmt: skip

    request = Request.objects.get()
    assert request.statutory_due_on == dt.date(2026, 10, 29)
    assert request.created_at == dt.datetime(2026, 10, 13, 23, 30, tzinfo=clock.PRAGUE)


def test_answered_on_the_spot_is_resolved_and_counted(world: World, login: Any) -> None:
    client = login(world.alice)
    answer = "Úřad má v sobotu zavřeno, otevřeno je ve středu do 17:00."
    record(client, form_data(world, channel="counter", answer=answer))

    request = Request.objects.get()
    assert request.status == Status.RESOLVED
    assert request.resolved_at is not None and request.first_response_at is not None
    assert request.assignee_id == world.alice.pk
    given = Interaction.objects.get(request=request, direction=Direction.OUTBOUND)
    assert given.text == answer
    assert given.author_id == world.alice.pk
    listed = client.get("/staff/requests/", {"status": "resolved", "channel": "counter"})
    assert listed.content.decode().count('data-testid="request-row"') == 1
    assert request.reference in listed.content.decode()


def test_attachments_are_refused_by_type_and_nothing_is_recorded(world: World, login: Any) -> None:
    client = login(world.alice)
    data = form_data(world, channel="letter")

    files = [upload("dopis.pdf", b"%PDF-1.4 ok"), upload("faktura.exe", b"MZ\x90\x00")]
    refused = record(client, {**data, "attachments": files})

    assert refused.status_code == 200
    assert "faktura.exe" in refused.content.decode()
    assert Request.objects.count() == 0
    disguised = record(client, {**data, "attachments": [upload("sken.pdf", b"MZ\x90\x00evil")]})
    assert disguised.status_code == 200 and Request.objects.count() == 0

    record(client, {**data, "attachments": [upload("dopis.pdf", b"%PDF-1.4 ok")]})
    stored = Attachment.objects.get()
    assert (stored.filename, stored.size) == ("dopis.pdf", 11)
    assert stored.interaction.request == Request.objects.get()


def test_an_agent_records_only_for_their_centres_and_an_analyst_not_at_all(
    world: World, login: Any
) -> None:
    alice = login(world.alice)
    refused = record(alice, form_data(world, centre=world.centre_b.pk))
    assert refused.status_code == 200
    assert Request.objects.count() == 0
    with pytest.raises(PermissionDenied):
        services.request_record(by=world.alice, centre=world.centre_b, channel="phone",
                                name="X", text="Dotaz")  # fmt: skip
    assert Request.objects.count() == 0 and Contact.objects.count() == 0

    erin = login(world.erin)
    assert erin.get(NEW).status_code == 404
    assert record(erin, form_data(world)).status_code == 404
    assert Request.objects.count() == 0

    carol = login(world.carol)  # the region's coordinator records for any of its centres
    record(carol, form_data(world, centre=world.centre_b.pk))
    assert Request.objects.get().centre_id == world.centre_b.pk


def test_query_parameters_prefill_the_form_and_the_call_is_kept(world: World, login: Any) -> None:
    client = login(world.alice)
    page = client.get(NEW, {"channel": "phone", "phone": "+420777123456", "call": "call-42",
                            "name": "Jan Volající"}).content.decode()  # fmt: skip
    assert '<option value="phone" selected>' in page
    assert 'value="+420777123456"' in page
    assert 'name="call" value="call-42"' in page
    assert 'value="Jan Volající"' in page

    record(client, form_data(world, call="call-42"))

    request = Request.objects.get()
    created = TimelineEvent.objects.get(kind=EventKind.CREATED, data__call="call-42")
    assert created.request_id == request.pk
    assert created.data == {"channel": "phone", "call": "call-42"}


def test_the_receipt_is_a_pdf_with_the_reference(world: World, login: Any) -> None:
    client = login(world.alice)
    record(client, form_data(world, channel="counter"))
    request = Request.objects.get()

    response = client.get(f"/staff/requests/{request.reference}/receipt.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
        check=True, timeout=60,
    ).stdout.decode()  # fmt: skip
    assert request.reference in text
    assert request.public_token[:20] in text.replace("\n", "")
    # Bob (centre B) neither sees the request nor gets its receipt.
    assert (
        login(world.bob).get(f"/staff/requests/{request.reference}/receipt.pdf").status_code == 404
    )


def test_the_receipt_goes_by_e_mail_and_sms_is_offered_only_with_an_sms_account(
    world: World, login: Any
) -> None:
    assert "sms" in registered_kinds()  # the SMS channel is installed
    mail = ChannelAccount.objects.create(region=world.region, kind=ChannelKind.EMAIL, name="m-vys")
    client = login(world.alice)
    record(client, form_data(world, email="karel@example.cz"))
    request = Request.objects.get()
    page = client.get(f"/staff/requests/{request.reference}/receipt/").content.decode()
    assert 'data-testid="receipt-email"' in page
    assert 'value="karel@example.cz"' in page
    assert 'data-testid="receipt-sms"' not in page

    with run_on_commit():
        sent = client.post(
            f"/staff/requests/{request.reference}/receipt/send",
            {"via": "email", "recipient": "Karel@Example.cz"},
        )

    assert sent.status_code == 302
    outbound = OutboundMessage.objects.get()
    assert (outbound.account_id, outbound.recipient) == (mail.pk, "karel@example.cz")
    assert request.reference in outbound.interaction.text
    assert f"/sledovani/{request.public_token}/" in outbound.interaction.text
    refused = client.post(
        f"/staff/requests/{request.reference}/receipt/send",
        {"via": "sms", "recipient": "777123456"},
    )
    assert refused.status_code == 400 and OutboundMessage.objects.count() == 1

    sms = ChannelAccount.objects.create(region=world.region, kind=ChannelKind.SMS, name="s-vys")
    page = client.get(f"/staff/requests/{request.reference}/receipt/").content.decode()
    assert 'data-testid="receipt-sms"' in page
    with run_on_commit():
        client.post(
            f"/staff/requests/{request.reference}/receipt/send",
            {"via": "sms", "recipient": "777 123 456"},
        )
    texted = OutboundMessage.objects.get(account=sms)
    assert texted.recipient == "+420777123456"
