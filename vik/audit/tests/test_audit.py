import pytest

from vik.audit.models import AppendOnlyError, AuditEvent
from vik.audit.services import audit_record


def test_the_audit_log_is_append_only(world):
    event = audit_record(actor=world.alice, action="contact.view", target=world.centre_a)
    event.action = "something else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.get().action == "contact.view"


def test_viewing_a_contact_is_audited(world, client, citizen_request):
    client.force_login(world.alice)
    page = client.get(f"/staff/contacts/{citizen_request.requester_id}/").content.decode()
    assert citizen_request.reference in page
    assert "jana.dvorakova@seznam.cz" in page
    event = AuditEvent.objects.get(action="contact.view")
    assert (event.actor_label, event.personal_data, event.region_id) == (
        "alice",
        True,
        world.region.pk,
    )
