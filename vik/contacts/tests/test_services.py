from vik.contacts.models import Identity
from vik.contacts.services import contact_resolve


def test_an_identity_belongs_to_one_contact_per_region(world):
    first = contact_resolve(region=world.region, identities=[("email", "a@example.cz")], name="A")
    again = contact_resolve(region=world.region, identities=[("email", "a@example.cz")])
    elsewhere = contact_resolve(region=world.other_region, identities=[("email", "a@example.cz")])
    assert first.pk == again.pk
    assert elsewhere.pk != first.pk
    assert Identity.objects.filter(value="a@example.cz").count() == 2


def test_a_known_phone_adds_the_new_address_to_the_same_contact(world):
    first = contact_resolve(region=world.region, identities=[("phone", "+420602111222")])
    second = contact_resolve(
        region=world.region, identities=[("email", "b@example.cz"), ("phone", "+420602111222")]
    )
    assert first.pk == second.pk
    assert sorted(second.identities.values_list("kind", flat=True)) == ["email", "phone"]
