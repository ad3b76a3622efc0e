"""The audit trail of personal data (issue 14, item 4): every read of a citizen's data by staff
writes one event with the actor, the address and the object (the table below, also in
docs/security/audit.md); the data-protection officer, and nobody else, sees who read a
person's data and the audit log, and reading them is itself audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from vik.audit.models import AuditEvent
from vik.channels.core import services as channel_services
from vik.channels.core.base import InboundAttachment
from vik.channels.core.choices import PayloadState
from vik.channels.web.adapter import PAYLOAD_CONTENT_TYPE
from vik.conversations import services
from vik.conversations.models import Interaction, Request
from vik.core.errors import ValidationFailed
from vik.tenancy.choices import Role
from vik.tenancy.models import User
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World, _staff, submit_web_request
from vik.workspace.choices import MacroScope
from vik.workspace.models import Macro

pytestmark = pytest.mark.django_db

ADDRESS = "127.0.0.1"  # the test client's REMOTE_ADDR


@dataclass
class Setting:
    """What the table's URLs point at."""

    world: World
    request: Request
    interaction: Interaction
    attachment_id: int
    macro: Macro
    root: User
    quarantined_id: int


@pytest.fixture
def setting(world: World, client: Any) -> Setting:
    item = submit_web_request(client)
    interaction = item.interactions.get()
    services.interaction_attachments_store(
        interaction, [InboundAttachment("obcanka.pdf", "application/pdf", b"%PDF-1.7 sken")]
    )
    macro = Macro.objects.create(
        name="Poděkování", body="Dobrý den, {jmeno}, děkujeme.", scope=MacroScope.REGION,
        region=world.region,
    )  # fmt: skip
    with run_on_commit():
        payload, _ = channel_services.inbound_accept(
            account=world.web, idempotency_key="broken", body=b"{not json",
            content_type=PAYLOAD_CONTENT_TYPE,
        )  # fmt: skip
    payload.refresh_from_db()
    assert payload.state == PayloadState.QUARANTINED
    root = User.objects.create_superuser("root", "root@example.cz", "x")
    return Setting(
        world=world,
        request=item,
        interaction=interaction,
        attachment_id=interaction.attachments.get().pk,
        macro=macro,
        root=root,
        quarantined_id=payload.pk,
    )


@dataclass(frozen=True)
class Read:
    """One personal-data read path: who opens which URL, and the events it must write, each
    (action, object type, object id)."""

    name: str
    actor: Callable[[Setting], User]
    url: Callable[[Setting], str]
    events: Callable[[Setting], list[tuple[str, str, str]]]
    details: Callable[[Setting], dict[str, Any]] | None = None


def _request(s: Setting) -> tuple[str, str]:
    return "conversations.request", str(s.request.pk)


def _contact(s: Setting) -> tuple[str, str]:
    return "contacts.contact", str(s.request.requester_id)


def _alice(s: Setting) -> User:
    return s.world.alice


def _root(s: Setting) -> User:
    return s.root


def _dora(s: Setting) -> User:
    return s.world.dora


# The table of URL -> event (docs/security/audit.md has the same table).
READS = [
    Read(
        "request page", _alice,
        lambda s: f"/staff/requests/{s.request.reference}/",
        lambda s: [("request.view", *_request(s))],
    ),
    Read(
        "formatted message of the request", _alice,
        lambda s: f"/staff/requests/{s.request.reference}/interactions/{s.interaction.pk}/html",
        lambda s: [("request.view", *_request(s))],
    ),
    Read(
        "attachment download", _alice,
        lambda s: f"/staff/requests/{s.request.reference}/attachments/{s.attachment_id}",
        lambda s: [("request.attachment_download", *_request(s))],
        lambda s: {"attachment": s.attachment_id, "filename": "obcanka.pdf"},
    ),
    Read(
        "request list", _alice,
        lambda s: "/staff/requests/?status=new",
        lambda s: [("request.list", "conversations.request", "")],
        lambda s: {"filters": {"status": "new"}, "references": [s.request.reference]},
    ),
    Read(
        "request search", _alice,
        lambda s: "/staff/requests/?text=Dvořáková",
        lambda s: [("request.search", "conversations.request", "")],
        lambda s: {"filters": {"text": "Dvořáková"}, "references": [s.request.reference]},
    ),
    Read(
        "consultations waiting for an answer (request subjects)", _alice,
        lambda s: "/staff/consultations/",
        lambda s: [("request.list", "conversations.request", "")],
        lambda s: {"page": "consultations", "references": []},
    ),
    Read(
        "canned answer with the citizen's name", _alice,
        lambda s: f"/staff/requests/{s.request.reference}/macros/{s.macro.pk}",
        lambda s: [("request.macro_render", *_request(s))],
        lambda s: {"macro": s.macro.pk},
    ),
    Read(
        "contact page", _alice,
        lambda s: f"/staff/contacts/{s.request.requester_id}/",
        lambda s: [("contact.view", *_contact(s))],
    ),
    Read(
        "quarantined raw message", lambda s: s.world.carol,
        lambda s: f"/staff/quarantine/{s.quarantined_id}/",
        lambda s: [("inbound.view", "channels.inboundpayload", str(s.quarantined_id))],
    ),
    Read(
        "admin: contact", _root,
        lambda s: f"/admin/contacts/contact/{s.request.requester_id}/change/",
        lambda s: [("admin.view", *_contact(s))],
        lambda s: {"page": "change"},
    ),
    Read(
        "admin: contact list searched", _root,
        lambda s: "/admin/contacts/contact/?q=Jana",
        lambda s: [("admin.list", "contacts.contact", "")],
        lambda s: {"page": "list", "query": {"q": "Jana"}},
    ),
    Read(
        "admin: request", _root,
        lambda s: f"/admin/conversations/request/{s.request.pk}/change/",
        lambda s: [("admin.view", *_request(s))],
    ),
    Read(
        "admin: request history", _root,
        lambda s: f"/admin/conversations/request/{s.request.pk}/history/",
        lambda s: [("admin.view", *_request(s))],
        lambda s: {"page": "history"},
    ),
    Read(
        "admin: raw inbound payload", _root,
        lambda s: f"/admin/channels/inboundpayload/{s.interaction.inbound_payload_id}/change/",
        lambda s: [
            ("admin.view", "channels.inboundpayload", str(s.interaction.inbound_payload_id))
        ],
    ),
    Read(
        "admin: audit log", _root,
        lambda s: "/admin/audit/auditevent/",
        lambda s: [("audit.read", "audit.auditevent", "")],
    ),
    Read(
        "audit log page of the data-protection officer", _dora,
        lambda s: "/staff/audit/?actor=alice",
        lambda s: [("audit.read", "audit.auditevent", "")],
        lambda s: {"filters": {"actor": "alice"}, "page": "log"},
    ),
    Read(
        "contact page with who saw the data, for the data-protection officer", _dora,
        lambda s: f"/staff/contacts/{s.request.requester_id}/",
        lambda s: [("contact.view", *_contact(s)), ("audit.read", *_contact(s))],
    ),
]  # fmt: skip


@pytest.mark.parametrize("read", READS, ids=[read.name for read in READS])
def test_every_read_of_personal_data_writes_its_audit_event(
    setting: Setting, client: Any, read: Read
) -> None:
    actor = read.actor(setting)
    client.force_login(actor)
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = client.get(read.url(setting))

    assert response.status_code == 200
    written = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk"))
    assert [
        (event.action, event.object_type, event.object_id, event.actor, event.personal_data)
        for event in written
    ] == [(*expected, actor, True) for expected in read.events(setting)]
    assert {event.ip_address for event in written} == {ADDRESS}
    assert {event.actor_label for event in written} == {actor.username}
    if read.details is not None:
        expected_details = read.details(setting)
        assert {key: written[0].details.get(key) for key in expected_details} == expected_details


def test_a_list_page_writes_one_event_whatever_its_rows(world: World, client: Any) -> None:
    references = sorted(submit_web_request(client).reference for _ in range(3))
    client.force_login(world.alice)
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    client.get("/staff/requests/")

    event = AuditEvent.objects.get(pk__gt=last)
    assert event.action == "request.list"
    assert sorted(event.details["references"]) == references


def test_the_officer_sees_who_read_the_person_s_data(setting: Setting, client: Any) -> None:
    world, reference = setting.world, setting.request.reference
    client.force_login(world.alice)
    client.get(f"/staff/requests/{reference}/")
    client.get(f"/staff/requests/{reference}/attachments/{setting.attachment_id}")
    client.force_login(world.dora)

    html = client.get(f"/staff/contacts/{setting.request.requester_id}/").content.decode()

    assert 'data-testid="data-access"' in html
    panel = html[html.index('data-testid="data-access"') :]
    assert 'data-action="request.view"' in panel
    assert 'data-action="request.attachment_download"' in panel
    assert "alice" in panel and reference in panel and "obcanka.pdf" in panel
    assert ADDRESS in panel
    # The officer reads the contact, never the request queues nor their actions.
    assert client.get(f"/staff/requests/{reference}/").status_code == 404
    client.post(f"/staff/requests/{reference}/take")
    setting.request.refresh_from_db()
    assert setting.request.assignee is None
    assert reference not in client.get("/staff/requests/").content.decode()


@pytest.mark.parametrize("who", ["alice", "carol", "erin", "dave"])
def test_nobody_but_the_officer_sees_who_read_the_data(
    setting: Setting, client: Any, who: str
) -> None:
    client.force_login(getattr(setting.world, who))
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    contact_page = client.get(f"/staff/contacts/{setting.request.requester_id}/")
    log_page = client.get("/staff/audit/")

    assert 'data-testid="data-access"' not in contact_page.content.decode()
    assert log_page.status_code == 403
    assert not AuditEvent.objects.filter(pk__gt=last, action="audit.read").exists()


def test_the_officer_of_another_region_sees_nothing_of_this_one(
    setting: Setting, client: Any
) -> None:
    world = setting.world
    other_officer = _staff("olga", world.other_region, Role.DATA_PROTECTION_OFFICER, None)
    client.force_login(world.alice)
    client.get(f"/staff/requests/{setting.request.reference}/")
    client.force_login(other_officer)

    assert client.get(f"/staff/contacts/{setting.request.requester_id}/").status_code == 404
    html = client.get("/staff/audit/").content.decode()
    assert html.count('data-testid="audit-row"') == 0


def test_the_audit_log_page_filters_and_shows_its_own_reading(
    setting: Setting, client: Any
) -> None:
    world = setting.world
    client.force_login(world.alice)
    client.get(f"/staff/requests/{setting.request.reference}/")
    client.force_login(world.carol)
    client.get(f"/staff/requests/{setting.request.reference}/")
    client.force_login(world.dora)

    html = client.get("/staff/audit/?actor=carol&action=request.view").content.decode()

    rows = html.count('data-testid="audit-row"')
    assert rows == 1
    assert setting.request.reference in html and "carol" in html
    html = client.get("/staff/audit/?action=audit.read").content.decode()
    assert html.count('data-testid="audit-row"') == 1  # the reading before this one
    assert "dora" in html


def test_an_assignment_error_names_nobody(world: World, citizen_request: Request) -> None:
    """Another region's member is refused without their name (issue 14, item 6)."""
    world.dave.first_name, world.dave.last_name = "David", "Dvořák"
    world.dave.save()

    with pytest.raises(ValidationFailed) as refused:
        services.request_assign(request=citizen_request, assignee=world.dave, by=world.carol)

    assert "Dvořák" not in str(refused.value) and "dave" not in str(refused.value)
    result = services.requests_bulk_apply(
        user=world.carol, references=[citizen_request.reference], action="assign",
        value=str(world.dave.pk), reason="",
    )  # fmt: skip
    assert not result.done
    assert all("Dvořák" not in why and "dave" not in why for why in result.failed.values())
    citizen_request.refresh_from_db()
    assert citizen_request.assignee is None
