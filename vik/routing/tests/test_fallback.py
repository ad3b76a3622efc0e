"""Without a centre from the rules: the channel account's centre, else the territory's competent
centre, over the real code list of Kraj Vysočina."""

from __future__ import annotations

from vik.routing.services import routing_decide
from vik.tenancy.models import Competence, InformationCentre
from vik.territory.models import Municipality
from vik.testing.personas import JIHLAVA, TREBIC

from .conftest import make_facts, make_rule, topic


def village_of(orp_code: str) -> Municipality:
    """A municipality of the ORP other than its seat."""
    return (
        Municipality.objects.filter(orp__code=orp_code, is_active=True)
        .exclude(code__in=[JIHLAVA, TREBIC])
        .select_related("orp")
        .order_by("code")[:1]
        .get()
    )


def test_a_municipality_of_orp_trebic_goes_to_the_trebic_centre(world):
    village = village_of("6113")
    assert village.orp.name == "Třebíč"
    assert routing_decide(make_facts(world, municipality=village)).centre == world.centre_b


def test_a_topic_competence_in_the_municipality_beats_the_orp(world):
    building_office = InformationCentre.objects.create(
        office=world.centre_a.office, name="Stavební úřad Jihlava", slug="stavebni-jihlava"
    )
    jihlava = Municipality.objects.get(code=JIHLAVA)
    Competence.objects.create(centre=building_office, topic=topic("building"), municipality=jihlava)

    permits = routing_decide(make_facts(world, topic=topic("building-permits")))
    waste = routing_decide(make_facts(world, topic=topic("waste-fees")))  # no such competence

    assert permits.centre == building_office  # via the topic's parent
    assert waste.centre == world.centre_a  # the ORP's centre


def test_no_competence_goes_to_the_regional_centre(world):
    zdar = village_of("6115")  # ORP Žďár nad Sázavou: no centre in the test world
    assert zdar.orp.name == "Žďár nad Sázavou"
    assert routing_decide(make_facts(world, municipality=zdar)).centre == world.regional_centre
    assert routing_decide(make_facts(world, municipality=None)).centre == world.regional_centre


def test_the_account_centre_comes_before_the_territory_but_after_the_rules(world):
    world.web.centre = world.centre_b
    world.web.save()
    assert routing_decide(make_facts(world)).centre == world.centre_b  # Jihlava, but B's account
    make_rule(world, actions={"centre": world.regional_centre.pk})
    assert routing_decide(make_facts(world)).centre == world.regional_centre
