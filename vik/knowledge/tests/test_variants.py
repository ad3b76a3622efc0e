"""A centre's local variant replaces the shared article in the centre's territory only."""

import pytest
from django.contrib.auth.models import AnonymousUser

from vik.core.errors import PermissionDenied, ValidationFailed
from vik.knowledge import selectors, services
from vik.knowledge.models import Article
from vik.territory.models import Municipality
from vik.testing.personas import BRNO, JIHLAVA, TREBIC

CITIZEN = AnonymousUser()


@pytest.fixture
def jihlava_variant(world, id_card, frank):
    """Frank (knowledge editor of Jihlava) writes and publishes Jihlava's own text."""
    variant = services.article_create(
        by=frank, kind="life_situation", variant_of=id_card, centre=world.centre_a,
        title="Občanský průkaz v Jihlavě", body="Přepážka 12, Masarykovo náměstí 1, Jihlava.",
    )  # fmt: skip
    return services.article_publish(article=variant, by=frank)


def place(code):
    return selectors.territory_for_municipality(Municipality.objects.get(code=code))


def search_titles(territory, query="občanský průkaz"):
    hits = selectors.article_search(query=query, viewer=CITIZEN, territory=territory)
    return [hit.version.title for hit in hits]


def test_the_variant_takes_the_shared_articles_kind_audience_and_topic(world, id_card, frank):
    variant = services.article_create(
        by=frank, kind="faq", audience="staff", variant_of=id_card, centre=world.centre_a,
        title="Jihlava", body="…",
    )  # fmt: skip
    assert (variant.kind, variant.audience, variant.topic) == (
        id_card.kind, id_card.audience, id_card.topic,
    )  # fmt: skip
    assert variant.region == world.region
    assert variant.slug == "obcansky-prukaz-jihlava"


def test_search_shows_the_variant_in_its_centres_territory_only(world, id_card, jihlava_variant):
    assert search_titles(place(JIHLAVA)) == ["Občanský průkaz v Jihlavě"]
    assert search_titles(place(TREBIC)) == ["Občanský průkaz"]
    assert search_titles(None) == ["Občanský průkaz"]


def test_browsing_shows_the_variant_in_its_centres_territory_only(world, id_card, jihlava_variant):
    def browsed(territory):
        return {
            a.pk
            for a in selectors.article_browse(
                viewer=CITIZEN, territory=territory, kind="life_situation"
            )
        }

    assert browsed(place(JIHLAVA)) == {jihlava_variant.pk}
    assert browsed(place(TREBIC)) == {id_card.pk}
    assert browsed(None) == {id_card.pk}


def test_a_region_article_is_not_offered_in_another_region(world, id_card):
    assert search_titles(place(BRNO)) == []


def test_the_article_page_redirects_to_the_variant_for_its_territory(
    world, client, id_card, jihlava_variant
):
    response = client.get(f"/znalosti/clanek/{id_card.slug}/", {"obec": JIHLAVA})
    assert response.status_code == 302
    assert response["Location"] == f"/znalosti/clanek/{jihlava_variant.slug}/?obec={JIHLAVA}"
    response = client.get(f"/znalosti/clanek/{id_card.slug}/", {"obec": TREBIC})
    assert response.status_code == 200
    assert "Masarykovo" not in response.content.decode()


def test_a_draft_variant_does_not_replace_the_shared_article(world, id_card, frank):
    services.article_create(
        by=frank, kind="faq", variant_of=id_card, centre=world.centre_a, title="Návrh", body="…"
    )
    assert search_titles(place(JIHLAVA)) == ["Občanský průkaz"]


def test_staff_of_the_centre_see_their_variant(world, id_card, jihlava_variant):
    def staff_titles(user):
        hits = selectors.article_search(
            query="průkaz", viewer=user, territory=selectors.territory_for_staff(user)
        )
        return [hit.version.title for hit in hits]

    assert staff_titles(world.alice) == ["Občanský průkaz v Jihlavě"]
    assert staff_titles(world.bob) == ["Občanský průkaz"]


def test_one_variant_per_centre_and_only_for_that_centres_staff(world, id_card, jihlava_variant):
    with pytest.raises(ValidationFailed):
        services.article_create(
            by=world.carol, kind="faq", variant_of=id_card, centre=world.centre_a,
            title="Druhá", body="…",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.article_create(
            by=world.alice, kind="faq", variant_of=id_card, centre=world.centre_b,
            title="Třebíč", body="…",
        )  # fmt: skip
    with pytest.raises(ValidationFailed):
        services.article_create(
            by=world.dave, kind="faq", variant_of=id_card, centre=world.other_centre,
            title="Brno", body="…",
        )  # fmt: skip
    assert Article.objects.filter(variant_of=id_card).count() == 1
