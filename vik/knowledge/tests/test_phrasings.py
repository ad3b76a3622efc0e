"""How people ask ("Jak se lidé ptají"): phrasings per article version, edited with the text,
searched as the title, embedded one by one, in the JSON Lines import and export."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser

from vik.core.errors import ValidationFailed
from vik.knowledge import embeddings, selectors, services
from vik.knowledge.exchange import parse_lines
from vik.knowledge.models import Article, SearchEntry
from vik.knowledge.tests.conftest import publish
from vik.knowledge.tests.test_exchange import run
from vik.testing.fixtures import run_on_commit

CITIZEN = AnonymousUser()
DOG_PHRASINGS = ["kolik se platí za čtyřnohého mazlíčka", "musím hlásit štěně"]


def titles(hits):
    return [hit.version.title for hit in hits]


@pytest.fixture
def dog(world):
    return publish(
        title="Poplatek ze psů",
        summary="Majitel psa jej přihlásí k poplatku na obecním úřadě.",
        body="Poplatek ze psů platí držitel psa staršího tří měsíců, splatný do 31. března.",
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
    ]


def add_phrasings(article, phrasings, by=None):
    """A new draft with the phrasings, published: as an editor and a reviewer would."""
    newest = article.versions.order_by("-number").first()
    services.article_edit(article=article, by=by, **{**newest.content(), "questions": phrasings})
    with run_on_commit():
        return services.article_publish(article=article, by=by)


def test_phrasings_are_cleaned_and_kept_by_an_edit_that_does_not_name_them(world, dog):
    add_phrasings(dog, ["  kolik  se platí za psa ", "Kolik se platí za psa", "", "štěně?"])
    version = dog.versions.order_by("-number").first()
    assert version.questions == ["kolik se platí za psa", "štěně?"]

    services.article_edit(article=dog, by=None, title="Poplatek ze psů", body="Nový text.")
    assert dog.versions.order_by("-number").first().questions == ["kolik se platí za psa", "štěně?"]
    with pytest.raises(ValidationFailed):
        services.article_edit(article=dog, by=None, title="Pes", questions=["x" * 301])


def test_a_phrasing_makes_the_article_findable_lexically(world, dog, others):
    query = "čtyřnohého mazlíčka"
    assert dog.pk not in [h.article.pk for h in _search(query, "lexical")]
    add_phrasings(dog, DOG_PHRASINGS)
    entry = SearchEntry.objects.get(article=dog)
    assert "mazlicka" in entry.document_title.split()  # weighted as the title
    assert titles(_search(query, "lexical")) == ["Poplatek ze psů"]
    assert titles(_search(query, "fused"))[0] == "Poplatek ze psů"


def test_a_phrasing_makes_the_article_findable_semantically(world, dog, others):
    query = "musím nahlásit štěně, které jsme si pořídili?"
    before = _semantic_score(query, dog)
    add_phrasings(dog, DOG_PHRASINGS)
    entry = SearchEntry.objects.get(article=dog)
    assert len(bytes(entry.phrasing_embeddings)) == 2 * embeddings.DIMENSIONS * 4
    after = _semantic_score(query, dog)
    # The article matches by its best vector: the phrasing is closer than the text.
    assert after > before + 0.02
    assert titles(_search(query, "semantic"))[0] == "Poplatek ze psů"


def test_the_matrix_holds_a_row_per_vector_and_drops_them_with_the_article(world, dog, others):
    add_phrasings(dog, DOG_PHRASINGS)
    ids, vectors = embeddings.vector_cache.get()
    entry = SearchEntry.objects.get(article=dog)
    assert list(ids).count(entry.pk) == 3  # the text and two phrasings
    assert len(ids) == len(vectors) == 3 + len(others)
    services.article_archive(article=dog, by=None)
    ids, vectors = embeddings.vector_cache.get()
    assert entry.pk not in ids and len(ids) == len(others)


def _search(query, mode):
    return selectors.article_search(query=query, viewer=CITIZEN, mode=mode, limit=10)


def _semantic_score(query, article):
    entries = SearchEntry.objects.all()
    found = embeddings.semantic_query(query=query, entries=entries, limit=10)
    scores = {article_id: score for _entry, article_id, score in found}
    if article.pk in scores:
        return scores[article.pk]
    vector = embeddings.query_vector(query)
    ids, vectors = embeddings.vector_cache.get()
    entry = SearchEntry.objects.get(article=article)
    return float(max(vectors[ids == entry.pk] @ vector))


def test_the_editor_edits_and_shows_the_phrasings(world, client, id_card, frank):
    client.force_login(frank)
    form = client.get(f"/staff/knowledge/{id_card.pk}/edit/").content.decode()
    assert "Jak se lidé ptají" in form
    response = client.post(
        f"/staff/knowledge/{id_card.pk}/edit/",
        {
            "language": "cs",
            "title": "Občanský průkaz",
            "summary": "Jak požádat o nový občanský průkaz a kolik to stojí.",
            "body": "Žádost podáte na kterémkoli obecním úřadě obce s rozšířenou působností.",
            "questions": "kde si vyřídím novou občanku\r\n\r\n  kolik stojí občanka na počkání \n",
            "audience": "public",
        },
    )
    assert response.status_code == 302
    draft = id_card.versions.order_by("-number").first()
    assert draft.questions == ["kde si vyřídím novou občanku", "kolik stojí občanka na počkání"]
    detail = client.get(f"/staff/knowledge/{id_card.pk}/").content.decode()
    assert "<li>kde si vyřídím novou občanku</li>" in detail
    again = client.get(f"/staff/knowledge/{id_card.pk}/edit/").content.decode()
    assert "kde si vyřídím novou občanku\nkolik stojí občanka na počkání</textarea>" in again


def test_jsonl_round_trip_keeps_the_phrasings(world, tmp_path):
    lines = [
        {
            "title": "Poplatek ze psů",
            "body": "Platí držitel psa.",
            "questions": ["kolik se platí za psa", "musím hlásit štěně"],
            "en": {"title": "Dog fee", "body": "The owner pays.", "questions": ["dog tax"]},
        }
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n")
    run("import", "--jsonl", str(path), "--region", world.region.code)
    article = Article.objects.get()
    assert article.published_version.questions == ["kolik se platí za psa", "musím hlásit štěně"]
    assert article.published_version_en.questions == ["dog tax"]

    exported, _err = run("export")
    [record] = [json.loads(line) for line in exported.splitlines()]
    assert record["questions"] == ["kolik se platí za psa", "musím hlásit štěně"]
    assert record["en"]["questions"] == ["dog tax"]

    # A line without "questions" leaves them; re-importing the export changes nothing.
    record_without = {key: value for key, value in record.items() if key != "questions"}
    path.write_text(json.dumps(record_without, ensure_ascii=False) + "\n")
    out, _err = run("import", "--jsonl", str(path))
    assert out.strip() == "created 0, updated 0, unchanged 1"
    path.write_text(exported)
    out, _err = run("import", "--jsonl", str(path))
    assert out.strip() == "created 0, updated 0, unchanged 1"
    article.refresh_from_db()
    assert article.published_version.questions == ["kolik se platí za psa", "musím hlásit štěně"]


def test_an_import_line_with_questions_not_a_list_of_strings_is_refused():
    _records, errors = parse_lines(['{"title": "A", "body": "B", "questions": "kolik"}'])
    assert [str(error) for error in errors] == ["line 1: “questions” must be a list of strings"]
