"""A batch of messages that open new requests, or continue one, is applied set-based
(`inbound_apply_batch`, `inbound_apply_continuations`); the outcome must be exactly that of
applying them one after the other (`inbound_apply`)."""

import datetime as dt
import email
import logging
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.db import transaction

from vik.channels.core.choices import ChannelKind, PayloadState
from vik.channels.core.models import (
    ChannelAccount,
    InboundPayload,
    MessageReference,
    OutboundMessage,
)
from vik.channels.web.adapter import PAYLOAD_CONTENT_TYPE, payload_body
from vik.contacts.choices import IdentityKind
from vik.contacts.models import Contact, Identity
from vik.conversations.models import Interaction, Request, TimelineEvent
from vik.conversations.services import intake
from vik.core import clock
from vik.testing.personas import JIHLAVA, _staff

NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def mail(
    sender: str,
    subject: str,
    *,
    html: str = "",
    attachment: bytes = b"",
    message_id: str = "",
    in_reply_to: str = "",
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "podatelna@jihlava.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(NOW)
    message["Message-ID"] = message_id or make_msgid(domain="example.cz")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(f"Dobrý den, {subject.lower()}. Děkuji.")
    if html:
        message.add_alternative(html, subtype="html")
    if attachment:
        message.add_attachment(
            attachment, maintype="application", subtype="pdf", filename="žádost.pdf"
        )
    return message.as_bytes()


@pytest.fixture
def arrivals(world):
    """Stored, unprocessed payloads of two accounts, interleaved, with the cases that matter:
    one new sender several times (rate limit), a known contact without a name, a sender at
    the limit already, HTML, an attachment, web submissions with e-mail and phone."""
    mailbox = ChannelAccount.objects.create(
        region=world.region, centre=world.centre_a, kind=ChannelKind.EMAIL,
        name="podatelna-batch", settings={"smtp": {"from": "podatelna@jihlava.example"}},
    )  # fmt: skip
    nameless = Contact.objects.create(region=world.region)
    Identity.objects.create(
        contact=nameless, region=world.region, kind=IdentityKind.EMAIL, value="eva@example.cz"
    )
    busy = Contact.objects.create(region=world.region, name="Petr Busy")
    Identity.objects.create(
        contact=busy, region=world.region, kind=IdentityKind.EMAIL, value="petr@example.cz"
    )
    old = Request.objects.create(
        region=world.region, reference="VYS-2025-000001", subject="Starý", requester=busy,
        origin_channel=ChannelKind.EMAIL,
    )  # fmt: skip
    for minutes in (10, 20, 30):
        Interaction.objects.create(
            request=old, direction="outbound", channel=ChannelKind.EMAIL, contact=busy,
            is_automatic=True, text="potvrzení", occurred_at=NOW - dt.timedelta(minutes=minutes),
        )  # fmt: skip
    web = {
        "kind": "request", "municipality_code": JIHLAVA, "language": "cs", "consent": True,
        "submitted_at": NOW.isoformat(),
    }  # fmt: skip
    items = [
        (mailbox, mail("Jan Novák <jan@example.cz>", "Svoz odpadu")),
        (world.web, payload_body({**web, "name": "Jana Malá", "email": "jana@example.cz",
                                  "phone": "+420 601 123 456", "message": "Kdy je svoz?"})),
        (mailbox, mail("Jan Novák <jan@example.cz>", "Poplatek za psa")),
        (mailbox, mail("Eva Nová <eva@example.cz>", "Rybářský lístek")),
        (mailbox, mail("Petr Busy <petr@example.cz>", "Ověření podpisu")),
        (mailbox, mail("Olga <olga@example.cz>", "Žádost", attachment=b"%PDF-1.4 test")),
        (world.web, payload_body({**web, "name": "Jan Novák", "email": "jan@example.cz",
                                  "message": "Ještě jedna otázka k psovi."})),
        (mailbox, mail("Jan Novák <jan@example.cz>", "Parkování")),
        (mailbox, mail("Jan Novák <jan@example.cz>", "Hřbitov")),
        (mailbox, mail("Iva <iva@example.cz>", "HTML", html="<p onclick=x>Dobrý <b>den</b></p>")),
    ]  # fmt: skip
    return [
        InboundPayload.objects.create(
            account=account,
            idempotency_key=f"k{number:02d}",
            body=body,
            content_type=PAYLOAD_CONTENT_TYPE if account.kind == "web" else "message/rfc822",
            received_at=NOW,
            next_attempt_at=NOW,
        )
        for number, (account, body) in enumerate(items)
    ]


def outcome() -> dict[str, object]:
    """Everything the processing wrote, keyed by what a person would compare (not by ids)."""
    by_payload = {}
    for interaction in Interaction.objects.filter(inbound_payload__isnull=False).select_related(
        "request__requester", "request__centre", "request__municipality", "contact"
    ):
        request = interaction.request
        acknowledgements = [
            (a.text, list(OutboundMessage.objects.filter(interaction=a).values_list(
                "recipient", "state")))
            for a in request.interactions.filter(is_automatic=True)
        ]  # fmt: skip
        assert interaction.inbound_payload is not None
        assert interaction.contact is not None
        by_payload[interaction.inbound_payload.idempotency_key] = {
            "request": (
                request.subject, request.kind, request.status, request.origin_channel,
                request.centre.name if request.centre else None,
                request.municipality.code if request.municipality else None,
                request.language, request.created_at, request.last_activity_at,
                request.requester.name, len(request.public_token),
            ),
            "interaction": (
                interaction.channel, interaction.direction, interaction.subject,
                interaction.text, interaction.html, interaction.occurred_at,
                interaction.contact.name,
                sorted(interaction.attachments.values_list("filename", "size", "sha256")),
            ),
            "events": sorted(
                (e.kind, str(e.data)) for e in TimelineEvent.objects.filter(request=request)
            ),
            "acknowledgements": [
                (text.replace(request.reference, "REF").replace(request.public_token, "TOKEN"),
                 sent)
                for text, sent in acknowledgements
            ],
            "message_references": MessageReference.objects.filter(request=request).count(),
        }  # fmt: skip
    contacts = sorted(
        (c.name, c.kind, c.requester_type, sorted(c.identities.values_list("kind", "value")))
        for c in Contact.objects.all()
    )
    references = sorted(Request.objects.values_list("reference", flat=True))
    states = sorted(InboundPayload.objects.values_list("idempotency_key", "state"))
    return {"payloads": by_payload, "contacts": contacts, "references": references,
            "states": states}  # fmt: skip


def one_by_one_and_together(arrivals, observe=outcome):
    """What `observe()` sees after the arrivals were processed one by one (then rolled back),
    and after they were drained in batches."""
    with clock.travel(NOW):
        with transaction.atomic():
            for payload in arrivals:
                intake.inbound_process(payload_id=payload.pk)
            one_by_one = observe()
            transaction.set_rollback(True)
        assert InboundPayload.objects.filter(state=PayloadState.PENDING).count() == len(arrivals)
        assert intake.inbound_drain() == len(arrivals)
        return one_by_one, observe()


def test_a_batch_ends_exactly_as_the_same_messages_one_by_one(world, arrivals, caplog):
    caplog.set_level(logging.INFO, logger="vik.conversations.services.intake")
    one_by_one, together = one_by_one_and_together(arrivals)

    assert "applied one by one" not in caplog.text  # the set-based step did the work
    assert together == one_by_one
    # ... and the cases were really there.
    assert len(together["payloads"]) == len(arrivals)
    acknowledged = [p["acknowledgements"] for p in together["payloads"].values()]
    assert sum(1 for a in acknowledged if a) == 6  # Jan 3 of 4 (limit), Eva, Olga, Iva; not Petr
    assert ("Eva Nová", "person", "citizen", [("email", "eva@example.cz")]) in together["contacts"]


def test_vik_own_message_in_a_batch_is_ignored_as_one_by_one(world, arrivals, caplog):
    """One message of the batch carries a Message-ID VIK sent: the set-based step leaves it
    out, and one by one it is ignored; the others are processed together."""
    came_back = arrivals[4]
    old = Request.objects.get(reference="VYS-2025-000001")
    sent = OutboundMessage.objects.create(
        account=came_back.account, interaction=old.interactions.first(), recipient="x@example.cz"
    )
    MessageReference.objects.create(
        region_id=world.region.pk, request=old, outbound=sent, channel=ChannelKind.EMAIL,
        message_id=email.message_from_bytes(bytes(came_back.body))["Message-ID"].strip("<>"),
    )  # fmt: skip
    caplog.set_level(logging.INFO, logger="vik.conversations.services.intake")
    one_by_one, together = one_by_one_and_together(arrivals)

    assert "applied one by one" not in caplog.text
    assert together == one_by_one
    assert ("k04", PayloadState.IGNORED) in together["states"]
    assert len(together["payloads"]) == len(arrivals) - 1


def test_a_batch_assigned_by_round_robin_takes_turns_as_one_by_one(world, arrivals, smtp_sink):
    """The centre hands new requests out in turn: a batch takes the turns in the order it
    creates the requests, as fairly as one by one, announces each assignee once, and the
    e-mails of the whole batch go out over one connection to the mail server."""
    from collections import Counter

    from vik.notifications.models import Notification
    from vik.notifications.services import notification_emails
    from vik.tenancy.choices import AssignmentPolicy, Role

    agents = [world.alice] + [
        _staff(name, world.region, Role.AGENT, world.centre_a) for name in ("anna", "adam")
    ]
    for agent in agents:
        agent.email = f"{agent.username}@jihlava.example"
        agent.save()
    world.centre_a.assignment_policy = AssignmentPolicy.ROUND_ROBIN
    world.centre_a.save()

    def turns() -> list[str]:
        return list(
            Request.objects.filter(interactions__inbound_payload__isnull=False)
            .order_by("pk")
            .values_list("assignee__username", flat=True)
        )

    one_by_one, together = one_by_one_and_together(arrivals, observe=turns)
    cycle = ["alice", "anna", "adam"] * 4
    assert one_by_one == together == cycle[: len(arrivals)]
    assert Counter(together) == {"alice": 4, "anna": 3, "adam": 3}
    notifications = Notification.objects.filter(kind="assigned")
    assert Counter(notifications.values_list("user__username", flat=True)) == Counter(together)
    assert TimelineEvent.objects.filter(kind="assigned").count() == len(arrivals)

    ids = list(notifications.values_list("pk", flat=True))
    assert notification_emails(notification_ids=ids) == len(arrivals)
    assert notification_emails(notification_ids=ids) == 0  # never twice
    assert Counter(m["To"] for m in smtp_sink.messages) == {
        agent.email: together.count(agent.username) for agent in agents
    }
    assert len(set(smtp_sink.peers)) == 1  # one SMTP connection for the batch


def test_replies_in_a_batch_end_exactly_as_one_by_one(world, arrivals, caplog):
    """Replies by In-Reply-To and by the reference in the subject, to requests waiting for
    the citizen, resolved, assigned, closed (a follow-up, decided one by one), to a message
    of the same batch, and to a reply of the same batch (found only one by one)."""
    from vik.conversations.choices import Status
    from vik.notifications.models import Notification

    mailbox = arrivals[0].account
    jan = Contact.objects.create(region=world.region, name="Jan Novák")
    Identity.objects.create(
        contact=jan, region=world.region, kind=IdentityKind.EMAIL, value="jan@example.cz"
    )

    def existing(number: int, status: str, message_id: str, assignee=None) -> Request:
        request = Request.objects.create(
            region=world.region, reference=f"VYS-2025-00010{number}", subject=f"Dotaz {number}",
            requester=jan, origin_channel=ChannelKind.EMAIL, status=status, centre=world.centre_a,
            assignee=assignee, last_activity_at=NOW - dt.timedelta(days=3),
        )  # fmt: skip
        first = Interaction.objects.create(
            request=request, direction="inbound", channel=ChannelKind.EMAIL, contact=jan,
            text="Původní dotaz", occurred_at=NOW - dt.timedelta(days=3),
        )  # fmt: skip
        MessageReference.objects.create(
            region_id=world.region.pk, request=request, interaction=first,
            channel=ChannelKind.EMAIL, message_id=message_id,
        )  # fmt: skip
        return request

    existing(1, Status.WAITING_CITIZEN, "puvodni-1@example.cz", assignee=world.alice)
    existing(2, Status.RESOLVED, "puvodni-2@example.cz")
    existing(3, Status.CLOSED, "puvodni-3@example.cz", assignee=world.alice)
    existing(4, Status.OPEN, "puvodni-4@example.cz", assignee=world.alice)
    replies = [
        mail("Jan Novák <jan@example.cz>", "Re: Dotaz 1", in_reply_to="<puvodni-1@example.cz>"),
        mail("Jan Novák <jan@example.cz>", "Re: [VYS-2025-000102] Dotaz 2"),
        mail("Jan Novák <jan@example.cz>", "Re: Dotaz 3", in_reply_to="<puvodni-3@example.cz>"),
        mail("Nový Člověk <novy@example.cz>", "Re: Dotaz 4", attachment=b"%PDF-1.4 odpoved",
             in_reply_to="<puvodni-4@example.cz>"),
        mail("Jan Novák <jan@example.cz>", "Nový dotaz", message_id="<novy-5@example.cz>"),
        mail("Jan Novák <jan@example.cz>", "Re: Nový dotaz", message_id="<odpoved-6@example.cz>",
             in_reply_to="<novy-5@example.cz>"),
        mail("Jan Novák <jan@example.cz>", "Re: Re: Nový dotaz",
             in_reply_to="<odpoved-6@example.cz>"),
        mail("Jan Novák <jan@example.cz>", "Re: Dotaz 1 ještě",
             in_reply_to="<puvodni-1@example.cz>"),
    ]  # fmt: skip
    batch = arrivals + [
        InboundPayload.objects.create(
            account=mailbox,
            idempotency_key=f"r{number:02d}",
            body=body,
            content_type="message/rfc822",
            received_at=NOW,
            next_attempt_at=NOW,
        )
        for number, body in enumerate(replies)
    ]

    def observe() -> dict[str, object]:
        return {
            **outcome(),
            "notifications": sorted(
                Notification.objects.values_list("user__username", "kind", "text")
            ),
            "statuses": sorted(Request.objects.values_list("subject", "status")),
        }

    caplog.set_level(logging.INFO, logger="vik.conversations.services.intake")
    one_by_one, together = one_by_one_and_together(batch, observe=observe)

    assert "applied one by one" not in caplog.text
    assert together == one_by_one
    # ... and the cases were really there.
    statuses = together["statuses"]
    assert ("Dotaz 1", Status.OPEN) in statuses and ("Dotaz 2", Status.OPEN) in statuses  # woken
    # The closed one stays closed: its reply opened a follow-up with the same subject.
    assert ("Dotaz 3", Status.CLOSED) in statuses and ("Dotaz 3", Status.NEW) in statuses
    replied = [n for n in together["notifications"] if n[1] == "citizen_replied"]
    assert sorted(text for _user, _kind, text in replied) == [
        "VYS-2025-000101: občan odpověděl",
        "VYS-2025-000101: občan odpověděl",
        "VYS-2025-000104: občan odpověděl",
    ]
    requests_of = {key: p["request"][0] for key, p in together["payloads"].items()}
    assert requests_of["r05"] == requests_of["r06"] == requests_of["r04"] == "Nový dotaz"
    assert requests_of["r03"] == "Dotaz 4"
