import pytest

from vik.audit.models import AuditEvent
from vik.contacts.models import Contact
from vik.contacts.services import contact_resolve
from vik.conversations.models import Interaction
from vik.conversations.services import contacts_merge
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.testing.personas import submit_web_request


def test_merging_two_contacts_keeps_every_interaction(world, client):
    one = submit_web_request(client, email="jan@example.cz", name="Jan Novák")
    two = submit_web_request(client, email="", phone="602 111 222", name="Jan Novák")
    source, target = two.requester, one.requester
    assert source.pk != target.pk

    contacts_merge(source=source, target=target, by=world.carol)

    source.refresh_from_db()
    assert source.merged_into == target
    assert set(target.requests.values_list("pk", flat=True)) == {one.pk, two.pk}
    assert Interaction.objects.filter(contact=target).count() == 2
    assert sorted(target.identities.values_list("value", flat=True)) == [
        "+420602111222",
        "jan@example.cz",
    ]
    assert AuditEvent.objects.filter(action="contact.merge").count() == 1
    client.force_login(world.carol)
    response = client.get(f"/staff/contacts/{source.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/contacts/{target.pk}/"


def test_an_agent_may_not_merge_and_nothing_changes(world, client):
    one = submit_web_request(client, email="jan@example.cz")
    two = submit_web_request(client, email="petr@example.cz")
    with pytest.raises(PermissionDenied):
        contacts_merge(source=two.requester, target=one.requester, by=world.alice)
    assert Contact.objects.filter(merged_into__isnull=False).count() == 0
    assert two.requester.identities.count() == 1


def test_contacts_of_two_regions_cannot_be_merged(world):
    here = contact_resolve(region=world.region, identities=[("email", "a@example.cz")])
    there = contact_resolve(region=world.other_region, identities=[("email", "a@example.cz")])
    with pytest.raises(ValidationFailed):
        contacts_merge(source=there, target=here, by=world.carol)
