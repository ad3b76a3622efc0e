"""Learning from use: helpful uses after a search strengthen query → article associations, with
a cap per actor and decay; the fused ranking gets a small boost; editors accept suggestions."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, override_settings
from django.utils.module_loading import import_string

from vik.conversations import services as conversations
from vik.core import clock
from vik.core.errors import InvalidTransition
from vik.knowledge import learning, selectors, services
from vik.knowledge.models import LearningEvent, QueryAssociation
from vik.knowledge.tests.conftest import publish
from vik.testing.personas import submit_web_request

CITIZEN = AnonymousUser()
QUERY = "Kolik stojí nová OBČANKA?"


def reader(address):
    return Client(REMOTE_ADDR=address)


def open_from_results(client, article, query=QUERY):
    return client.get(f"/znalosti/clanek/{article.slug}/", {"q": query})


def test_clicks_from_different_readers_raise_the_association(world, id_card):
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        assert open_from_results(reader(address), id_card).status_code == 200
    association = QueryAssociation.objects.get()
    assert (association.query_norm, association.article) == ("kolik stoji nova obcanka", id_card)
    assert association.query_text == QUERY
    assert learning.weight_of(query="kolik stojí nová občanka", article=id_card) == pytest.approx(3)
    # The actor is a keyed hash, never the address.
    assert not LearningEvent.objects.filter(actor__contains="192.0.2").exists()


def test_an_article_opened_without_a_search_teaches_nothing(world, id_card):
    reader("192.0.2.1").get(f"/znalosti/clanek/{id_card.slug}/")
    assert not QueryAssociation.objects.exists()


def test_helpful_counts_twice_a_click_and_not_helpful_nothing(world, id_card):
    client = reader("192.0.2.1")
    open_from_results(client, id_card)
    assert learning.weight_of(query=QUERY, article=id_card) == pytest.approx(1)
    for _ in range(2):  # the same reader's click and helpful, the same day: 2 in all
        client.post(f"/znalosti/clanek/{id_card.slug}/hodnoceni", {"helpful": "yes", "q": QUERY})
    assert learning.weight_of(query=QUERY, article=id_card) == pytest.approx(2)
    other = reader("192.0.2.2")
    other.post(f"/znalosti/clanek/{id_card.slug}/hodnoceni", {"helpful": "no", "q": QUERY})
    assert learning.weight_of(query=QUERY, article=id_card) == pytest.approx(2)
    assert LearningEvent.objects.get().kind == "helpful"


@override_settings(VIK_KNOWLEDGE_LEARNING_ACTOR_CAP=3)
def test_one_actor_counts_once_a_day_and_at_most_the_cap(world, id_card):
    client = reader("192.0.2.1")
    for _ in range(5):
        open_from_results(client, id_card)
    assert learning.weight_of(query=QUERY, article=id_card) == pytest.approx(1)
    start = clock.now()
    for day in range(1, 10):
        with clock.travel(start + dt.timedelta(days=day)):
            open_from_results(client, id_card)
    assert LearningEvent.objects.count() == 3
    with clock.travel(start + dt.timedelta(days=9)):
        assert learning.weight_of(query=QUERY, article=id_card) < 3


@override_settings(VIK_KNOWLEDGE_LEARNING_MAX_WEIGHT=4.0)
def test_an_association_weighs_at_most_the_maximum(world, id_card):
    for number in range(10):
        open_from_results(reader(f"192.0.2.{number}"), id_card)
    assert learning.weight_of(query=QUERY, article=id_card) == pytest.approx(4)


@override_settings(VIK_KNOWLEDGE_LEARNING_HALF_LIFE_DAYS=60)
def test_the_weight_halves_every_half_life(world, id_card):
    for number in range(4):
        open_from_results(reader(f"192.0.2.{number}"), id_card)
    start = clock.now()
    with clock.travel(start + dt.timedelta(days=60)):
        assert learning.weight_of(query=QUERY, article=id_card) == pytest.approx(2, rel=1e-3)
        open_from_results(reader("192.0.2.99"), id_card)  # adds to the decayed weight
        assert learning.weight_of(query=QUERY, article=id_card) == pytest.approx(3, rel=1e-3)
    with clock.travel(start + dt.timedelta(days=180)):
        assert learning.weight_of(query=QUERY, article=id_card) == pytest.approx(0.75, rel=1e-3)


def test_a_staff_click_and_an_article_inserted_into_a_reply_count(world, client, id_card):
    client.force_login(world.alice)
    client.get(f"/staff/knowledge/{id_card.pk}/", {"q": QUERY})
    client.get(f"/staff/knowledge/{id_card.pk}/", {"q": QUERY})  # once a day
    assert learning.weight_of(query=QUERY, article=id_card) == pytest.approx(1)

    request = submit_web_request(Client())
    conversations.request_reply(
        request=request, by=world.alice, text="Dobrý den, posíláme návod.", articles=[id_card.pk]
    )
    assert learning.weight_of(query=request.subject, article=id_card) == pytest.approx(2)


@pytest.fixture
def twins(world):
    """Two articles alike in everything the search compares: only the order they were
    published in (their ids) separates them."""
    body = "Žádost o parkovací kartu pro rezidenty podáte na odboru dopravy."
    return [
        publish(title="Parkovací karta", body=body, slug="parkovaci-karta-a"),
        publish(title="Parkovací karta", body=body, slug="parkovaci-karta-b"),
    ]


def test_the_boost_changes_the_order_of_two_tied_articles(world, twins):
    first, second = twins
    query = "parkovací karta rezident"
    before = selectors.article_search(query=query, viewer=CITIZEN)
    assert [hit.article for hit in before] == [first, second]

    open_from_results(reader("192.0.2.1"), second, query)
    boosts = learning.boosts(query, [first.pk, second.pk])
    assert set(boosts) == {second.pk} and 0 < boosts[second.pk] < 0.1
    after = selectors.article_search(query=query, viewer=CITIZEN)
    assert [hit.article for hit in after] == [second, first]
    # Only the fused ranking is boosted.
    lexical = selectors.article_search(query=query, viewer=CITIZEN, mode="lexical")
    assert [hit.article for hit in lexical] == [first, second]


def _learn(article, query, readers=3):
    for number in range(readers):
        open_from_results(reader(f"198.51.100.{number}"), article, query)


def test_an_editor_accepts_a_suggested_phrasing_into_a_new_draft(world, client, id_card, frank):
    _learn(id_card, "kde si vyřídím občanku")
    _learn(id_card, "Občanský průkaz")  # the title: no suggestion
    _learn(id_card, "jen jednou", readers=1)  # too weak
    client.force_login(frank)
    detail = client.get(f"/staff/knowledge/{id_card.pk}/").content.decode()
    assert "Navržené formulace" in detail and "kde si vyřídím občanku" in detail
    assert "jen jednou" not in detail
    listing = client.get("/staff/knowledge/suggestions/").content.decode()
    assert listing.count('data-testid="suggestion"') == 1

    association = QueryAssociation.objects.get(query_norm="kde si vyridim obcanku")
    response = client.post(f"/staff/knowledge/suggestions/{association.pk}/accept")
    assert response.status_code == 302
    id_card.refresh_from_db()
    draft = id_card.versions.order_by("-number").first()
    assert draft.questions == ["kde si vyřídím občanku"]
    assert draft.pk != id_card.published_version_id and id_card.state == "draft"
    assert draft.title == id_card.published_version.title
    assert draft.sections == id_card.published_version.sections
    after = client.get(f"/staff/knowledge/{id_card.pk}/").content.decode()
    assert "Navržené formulace" not in after
    assert "<li>kde si vyřídím občanku</li>" in after


def test_a_dismissed_suggestion_is_gone_and_a_reader_of_another_scope_may_not(
    world, client, id_card, frank
):
    _learn(id_card, "ztratil jsem obcanku")
    association = QueryAssociation.objects.get()
    client.force_login(world.dave)  # a coordinator of another region
    assert client.post(f"/staff/knowledge/suggestions/{association.pk}/dismiss").status_code == 403
    association.refresh_from_db()
    assert association.decision == ""

    client.force_login(frank)
    client.post(f"/staff/knowledge/suggestions/{association.pk}/dismiss", {"back": "list"})
    association.refresh_from_db()
    assert association.decision == "dismissed"
    assert learning.suggestions(articles=[id_card.pk]) == []
    with pytest.raises(InvalidTransition, match="O návrhu už bylo rozhodnuto"):
        services.suggestion_accept(association=association, by=frank)


def test_a_dismissed_association_no_longer_boosts_the_article(world, client, twins, frank):
    first, second = twins
    query = "parkovací karta rezident"
    _learn(second, query)
    _hits, explained = selectors.article_search_explained(query=query, viewer=CITIZEN)
    boosted = {hit.article_id: hit.boost for hit in explained.ranked}
    assert boosted[second.pk] > 0 and boosted[first.pk] == 0
    assert explained.ranked[0].article_id == second.pk

    association = QueryAssociation.objects.get(article=second)
    client.force_login(frank)
    client.post(f"/staff/knowledge/suggestions/{association.pk}/dismiss", {"back": "list"})

    assert learning.boosts(query, [first.pk, second.pk]) == {}
    hits, explained = selectors.article_search_explained(query=query, viewer=CITIZEN)
    assert all(hit.boost == 0 for hit in explained.ranked)
    assert [hit.article for hit in hits] == [first, second]
    # A reader's later click teaches nothing the ranking would use either.
    open_from_results(reader("203.0.113.9"), second, query)
    assert learning.boosts(query, [first.pk, second.pk]) == {}


@override_settings(
    VIK_KNOWLEDGE_LEARNING_HALF_LIFE_DAYS=60, VIK_KNOWLEDGE_LEARNING_PRUNE_HALF_LIVES=4
)
def test_the_periodic_job_forgets_what_decay_has_made_irrelevant(world, id_card, settings):
    now = clock.now()

    def event(days_ago, actor):
        return LearningEvent.objects.create(
            actor=actor, query_norm="pas", article=id_card, kind="click", weight=1.0,
            day=clock.today() - dt.timedelta(days=days_ago),
        )  # fmt: skip

    def association(query, weight, days_ago, decision=""):
        return QueryAssociation.objects.create(
            query_norm=query, query_text=query, article=id_card, weight=weight,
            updated_at=now - dt.timedelta(days=days_ago), decision=decision,
        )  # fmt: skip

    recent_event, horizon_event = event(10, "a"), event(230, "b")
    event(250, "c")  # past 4 half-lives (240 days)
    event(900, "d")
    one_click_long_ago = association("jedno kliknuti", 1.0, 300)  # 1/32 now
    association("davno", 3.0, 600)  # 3/1024 now
    strong = association("silna", 20.0, 300)  # 0.625 now: still boosts
    fresh = association("cerstva", 1.0, 200)  # 0.1 now
    dismissed = association("zamitnuta", 1.0, 600, decision="dismissed")

    job = "vik.knowledge.services.learning_prune_due"
    assert job in settings.VIK_PERIODIC_JOBS
    assert import_string(job)() == 4
    assert import_string(job)() == 0

    assert sorted(LearningEvent.objects.values_list("pk", flat=True)) == [
        recent_event.pk,
        horizon_event.pk,
    ]
    kept = set(QueryAssociation.objects.values_list("pk", flat=True))
    assert kept == {strong.pk, fresh.pk, dismissed.pk}
    assert not QueryAssociation.objects.filter(pk=one_click_long_ago.pk).exists()
    assert learning.weight_of(query="silna", article=id_card) == pytest.approx(0.625)

    # Time passes: the strong one decays below the floor as well.
    with clock.travel(now + dt.timedelta(days=60 * 5)):
        # The two events kept so far, the strong association and the fresh one.
        assert services.learning_prune() == 4
    assert set(QueryAssociation.objects.values_list("pk", flat=True)) == {dismissed.pk}
    assert not LearningEvent.objects.exists()
