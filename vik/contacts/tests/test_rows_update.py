"""`rows_update` saves each row's own values, and nothing else."""

from vik.contacts.models import Contact
from vik.core import clock
from vik.core.db import rows_update


def test_each_row_gets_its_own_values_and_only_the_named_fields(world):
    contacts = [Contact.objects.create(region=world.region, name=f"Občan {n}") for n in range(3)]
    later = clock.now()
    for number, contact in enumerate(contacts[:2]):
        contact.name, contact.updated_at = f"Dvořáková {number}", later
        contact.note = "not among the fields saved"
    rows_update(contacts[:2], ["name", "updated_at"])
    rows_update([], ["name"])  # nothing to do

    saved = {c.pk: c for c in Contact.objects.all()}
    for number, contact in enumerate(contacts[:2]):
        assert saved[contact.pk].name == f"Dvořáková {number}"
        assert saved[contact.pk].updated_at == later
        assert saved[contact.pk].note == ""
    assert saved[contacts[2].pk].name == "Občan 2"
    assert saved[contacts[2].pk].updated_at < later
