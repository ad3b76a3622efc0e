"""Semantic search (e5 embeddings computed by a task) and its fusion with the lexical one."""

import datetime as dt

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from vik.knowledge import embeddings, selectors, services
from vik.knowledge.models import SearchEntry
from vik.knowledge.tests.conftest import publish
from vik.testing.fixtures import run_on_commit

CITIZEN = AnonymousUser()


def titles(hits):
    return [hit.version.title for hit in hits]


@pytest.fixture
def lost_card(world):
    return publish(
        kind="life_situation",
        title="Ztráta nebo odcizení občanského průkazu",
        summary="Co dělat, když přijdete o občanku nebo vám ji někdo ukradne.",
        body=(
            "Ztrátu nebo krádež občanky neprodleně ohlaste na kterémkoli obecním úřadě obce "
            "s rozšířenou působností nebo na Policii ČR. Dostanete potvrzení o ztrátě a "
            "požádáte o nový průkaz."
        ),
        region=world.region,
    )


@pytest.fixture
def others(world):
    return [
        publish(
            title="Poplatek za komunální odpad",
            summary="Kolik se platí za svoz popelnic a do kdy poplatek uhradit.",
            body="Poplatek za odpad platí každá osoba s trvalým pobytem v obci, 900 Kč ročně.",
        ),
        publish(
            title="Rybářský lístek",
            summary="Jak získat rybářský lístek a co k tomu potřebujete.",
            body="O rybářský lístek požádáte na odboru životního prostředí.",
        ),
        publish(
            title="Přihlášení psa k evidenci",
            summary="Majitel psa jej přihlásí do evidence a platí poplatek ze psů.",
            body="Psa staršího tří měsíců přihlaste na úřadě do 15 dnů.",
        ),
    ]


def test_the_task_embeds_the_published_text_and_archive_removes_it(world, lost_card):
    entry = SearchEntry.objects.get(article=lost_card)
    assert entry.embedding_model == embeddings.model_name()
    vector = embeddings.from_bytes(entry.embedding)
    assert vector.shape == (384,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3

    services.article_edit(article=lost_card, by=None, title="Rybářský lístek", body="Ryby.")
    with run_on_commit():
        services.article_publish(article=lost_card, by=None)
    entry.refresh_from_db()
    assert embeddings.from_bytes(entry.embedding) @ vector < 0.99  # the new text's vector

    services.article_archive(article=lost_card, by=None)
    assert not SearchEntry.objects.filter(article=lost_card).exists()
    assert selectors.article_search(query="rybářský lístek", viewer=CITIZEN, mode="semantic") == []


def test_a_republished_text_has_no_vector_until_the_task_runs(world, lost_card):
    services.article_edit(article=lost_card, by=None, title="Nový text", body="Nový text.")
    services.article_publish(article=lost_card, by=None)  # no commit: the task waits
    entry = SearchEntry.objects.get(article=lost_card)
    assert entry.embedding is None and entry.embedding_model == ""
    assert selectors.article_search(query="ztráta", viewer=CITIZEN, mode="semantic") == []


def test_a_lost_embedding_task_is_made_good_by_the_sweeper(world, lost_card):
    services.article_edit(article=lost_card, by=None, title="Nový text", body="Nový text.")
    services.article_publish(article=lost_card, by=None)  # ... and its task is lost
    assert embeddings.embeddings_sweep() is False  # too fresh: its task may be on its way
    SearchEntry.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))
    with run_on_commit():  # the immediate backend runs the woken task at once
        assert embeddings.embeddings_sweep() is True
    entry = SearchEntry.objects.get(article=lost_card)
    assert entry.embedding_model == embeddings.model_name()
    assert embeddings.embeddings_sweep() is False  # nothing left


@pytest.mark.parametrize("mode", ["semantic", "fused"])
def test_a_semantic_match_shares_no_word_with_the_query(world, lost_card, others, mode):
    # ("Ztratil jsem doklady" now matches "ztráta" through the colloquial lexicon.)
    query = "Moje doklady jsou pryč"
    assert selectors.article_search(query=query, viewer=CITIZEN, mode="lexical") == []
    hits = selectors.article_search(query=query, viewer=CITIZEN, mode=mode)
    assert titles(hits)[0] == "Ztráta nebo odcizení občanského průkazu"
    # No word to mark: the snippet is the start of the summary.
    assert str(hits[0].snippet).startswith("Co dělat, když přijdete o občanku")


def test_fusion_ranks_an_article_both_find_above_one_found_by_one(world, lost_card, others):
    query = "ztráta občanky"
    lexical = selectors.article_search(query=query, viewer=CITIZEN, mode="lexical")
    semantic = selectors.article_search(query=query, viewer=CITIZEN, mode="semantic")
    both = set(titles(lexical)) & set(titles(semantic))
    assert "Ztráta nebo odcizení občanského průkazu" in both
    fused = selectors.article_search(query=query, viewer=CITIZEN)
    assert titles(fused)[0] == "Ztráta nebo odcizení občanského průkazu"
    only_one = [title for title in titles(fused) if title not in both]
    for title in only_one:
        assert titles(fused).index(title) > titles(fused).index(
            "Ztráta nebo odcizení občanského průkazu"
        )
    assert "<mark>" in fused[0].snippet  # the lexical snippet


def test_fusion_weighs_the_meaning_of_every_lexical_candidate(world, lost_card, others, settings):
    # The semantic list keeps only its closest hit: the other articles the words found are
    # still scored by meaning (the rows were scored anyway), not counted as meaning nothing.
    settings.VIK_KNOWLEDGE_SEMANTIC_MARGIN = 0.0
    query = "poplatek za psa a za odpad"
    _hits, fused = selectors.article_search_explained(query=query, viewer=CITIZEN)
    found = [hit for hit in fused.ranked if hit.lexical > 0]
    assert len(found) >= 2
    assert all(hit.cosine is not None for hit in found)
    _hits, semantic = selectors.article_search_explained(
        query=query, viewer=CITIZEN, mode="semantic"
    )
    assert len(semantic.ranked) == 1  # the semantic mode itself keeps its list as it was


def test_fusion_when_no_word_matched_scores_by_meaning_alone(world, lost_card, others):
    # Not the semantic score's share of a blend, which the cut-off would hide: what the
    # semantic mode shows, the fused one shows too.
    query = "Moje doklady jsou pryč"
    assert selectors.article_search(query=query, viewer=CITIZEN, mode="lexical") == []
    fused = selectors.article_search(query=query, viewer=CITIZEN)
    semantic = selectors.article_search(query=query, viewer=CITIZEN, mode="semantic")
    assert [(hit.article.pk, hit.score) for hit in fused] == [
        (hit.article.pk, hit.score) for hit in semantic
    ]


def test_entry_cosines_is_each_entry_best_row():
    scored = embeddings.Scores(
        ids=np.array([1, 1, 2, 3]),
        scores=np.array([0.8, 0.9, 0.7, 0.95], dtype=np.float32),
        take=1,
        top=np.array([3]),
    )
    found = embeddings.entry_cosines(scored, [1, 2, 4])
    assert found.keys() == {1, 2}
    assert found[1] == pytest.approx(0.9) and found[2] == pytest.approx(0.7)
    assert embeddings.entry_cosines(scored, []) == {}


@pytest.mark.parametrize("mode", ["semantic", "fused"])
def test_a_citizen_never_finds_a_staff_article_by_meaning(world, lost_card, staff_note, mode):
    query = "Ztratil jsem doklady, co mám dělat na přepážce?"
    public = titles(selectors.article_search(query=query, viewer=CITIZEN, mode=mode, limit=50))
    assert "Postup při ztrátě občanského průkazu na přepážce" not in public
    assert "Ztráta nebo odcizení občanského průkazu" in public
    staff = titles(selectors.article_search(query=query, viewer=world.alice, mode=mode, limit=50))
    assert "Postup při ztrátě občanského průkazu na přepážce" in staff


def test_the_api_searches_fused_and_public_only(world, client, lost_card, staff_note):
    answer = client.get("/api/v1/knowledge/search", {"q": "Ztratil jsem doklady"})
    assert answer.status_code == 200
    found = [item["title"] for item in answer.json()]
    assert found[0] == "Ztráta nebo odcizení občanského průkazu"
    assert "Postup při ztrátě občanského průkazu na přepážce" not in found
    assert all(0 <= item["score"] <= 1 for item in answer.json())


def test_the_vector_cache_follows_the_index(world, lost_card, others):
    ids, _vectors = embeddings.vector_cache.get()
    assert len(ids) == 4
    services.article_archive(article=others[0], by=None)
    ids, vectors = embeddings.vector_cache.get()
    assert len(ids) == 3 and vectors.shape == (3, 384)
    assert set(ids.tolist()) == set(SearchEntry.objects.values_list("pk", flat=True))


def test_an_unknown_mode_is_an_error(world):
    with pytest.raises(ValueError, match="mode"):
        selectors.article_search(query="průkaz", viewer=CITIZEN, mode="magic")


def test_the_vector_cache_sees_what_another_process_changed(world, lost_card, others, settings):
    """Another process (a worker) embeds or deletes without touching this process's cache: a
    search sees new vectors by the newest updated_at, and never shows a deleted entry."""
    settings.VIK_KNOWLEDGE_VECTOR_CACHE_SECONDS = 0
    ids, _vectors = embeddings.vector_cache.get()
    assert len(ids) == 4
    # The worker re-embeds the lost card with another vector: the dog article's.
    dog = SearchEntry.objects.get(article=others[2])
    card = SearchEntry.objects.get(article=lost_card)
    SearchEntry.objects.filter(pk=card.pk).update(
        embedding=dog.embedding, updated_at=timezone.now() + dt.timedelta(seconds=1)
    )
    ids, vectors = embeddings.vector_cache.get()
    position = ids.tolist().index(card.pk)
    assert np.allclose(vectors[position], embeddings.from_bytes(dog.embedding))
    # Another process archives the fishing licence: its row is gone, the search never shows it.
    SearchEntry.objects.filter(article=others[1]).delete()
    query = "rybářský lístek"
    assert "Rybářský lístek" not in titles(
        selectors.article_search(query=query, viewer=CITIZEN, mode="semantic")
    )
