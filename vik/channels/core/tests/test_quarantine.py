"""The quarantine page: leads see what could not be filed, process it again, or discard it."""

import pytest

from vik.audit.models import AuditEvent
from vik.channels.core import services
from vik.channels.core.choices import PayloadState
from vik.channels.core.models import InboundPayload
from vik.channels.web.adapter import PAYLOAD_CONTENT_TYPE, payload_body
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import JIHLAVA


@pytest.fixture
def broken(world):
    with run_on_commit():
        payload, _ = services.inbound_accept(
            account=world.web, idempotency_key="broken", body=b"<script>x</script>",
            content_type=PAYLOAD_CONTENT_TYPE,
        )  # fmt: skip
    payload.refresh_from_db()
    assert payload.state == PayloadState.QUARANTINED
    return payload


def test_coordinators_see_the_quarantine_and_agents_do_not(world, client, broken):
    client.force_login(world.carol)
    page = client.get("/staff/quarantine/").content.decode()
    assert "The web-form payload is not JSON" in page or "není JSON" in page
    detail = client.get(f"/staff/quarantine/{broken.pk}/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in detail
    assert AuditEvent.objects.filter(action="inbound.view").count() == 1
    assert 'href="/staff/quarantine/"' in client.get("/staff/requests/").content.decode()

    client.force_login(world.alice)
    # An agent reviews no quarantine: the navigation does not offer it ...
    assert 'href="/staff/quarantine/"' not in client.get("/staff/requests/").content.decode()
    listing = client.get("/staff/quarantine/").content.decode()
    assert f"/staff/quarantine/{broken.pk}/" not in listing
    assert client.get(f"/staff/quarantine/{broken.pk}/").status_code == 404
    assert client.post(f"/staff/quarantine/{broken.pk}/discard", {"reason": "x"}).status_code == 404
    broken.refresh_from_db()
    assert broken.state == PayloadState.QUARANTINED


def test_a_web_account_without_centre_is_not_a_centre_leads(world, client, broken):
    lead = Membership.objects.create(
        user=world.bob, region=world.region, centre=world.centre_b, role=Role.CENTRE_LEAD
    )
    assert lead.pk
    client.force_login(world.bob)
    assert client.get(f"/staff/quarantine/{broken.pk}/").status_code == 404


def test_process_again_after_a_fix(world, client, broken):
    InboundPayload.objects.filter(pk=broken.pk).update(
        body=payload_body(
            {"message": "Dotaz", "email": "a@example.cz", "municipality_code": JIHLAVA}
        )
    )
    client.force_login(world.carol)
    with run_on_commit():
        client.post(f"/staff/quarantine/{broken.pk}/retry")
    broken.refresh_from_db()
    assert broken.state == PayloadState.PROCESSED
    assert broken.interaction.request.centre == world.centre_a


def test_discard_keeps_the_payload_and_an_audit_record(world, client, broken):
    client.force_login(world.carol)
    client.post(f"/staff/quarantine/{broken.pk}/discard", {"reason": "spam"})
    broken.refresh_from_db()
    assert (broken.state, broken.quarantine_reason) == (PayloadState.IGNORED, "discarded: spam")
    assert bytes(broken.body) == b"<script>x</script>"
    event = AuditEvent.objects.get(action="inbound.discard")
    assert (event.actor, event.details["reason"]) == (world.carol, "spam")
