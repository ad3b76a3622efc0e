"""Lexical search over lemmatised Czech, without diacritics, filtered by audience and place."""

import pytest
from django.contrib.auth.models import AnonymousUser

from vik.knowledge import selectors, services
from vik.knowledge.tests.conftest import publish

CITIZEN = AnonymousUser()


def titles(hits):
    return [hit.version.title for hit in hits]


@pytest.mark.parametrize(
    "query",
    [
        "občanského průkazu",
        "obcansky prukaz",
        "OBČANSKÝ PRŮKAZ",
        "Kde si vyzvednu nový občanský průkaz?",
        "průkazy",
        "prukazu",
    ],
)
def test_lemmatised_and_folded_queries_find_the_article(world, id_card, query):
    hits = selectors.article_search(query=query, viewer=CITIZEN, limit=5)
    assert titles(hits) == ["Občanský průkaz"]


def test_section_text_is_searched_and_the_snippet_marks_the_words(world, id_card):
    [hit] = selectors.article_search(query="poplatek za expresní vydání", viewer=CITIZEN)
    assert hit.article == id_card
    assert "<mark>expresní</mark>" in hit.snippet
    assert "<mark>vydání</mark>" in hit.snippet
    assert "**" not in hit.snippet  # plain text, not Markdown


def test_snippets_escape_the_text(world):
    publish(title="Formuláře", body="Pište <script>alert(1)</script> do formuláře & podepište.")
    [hit] = selectors.article_search(query="formulář", viewer=CITIZEN)
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>formuláře</mark>" in hit.snippet


def test_a_citizen_never_finds_a_staff_article(world, id_card, staff_note):
    assert titles(selectors.article_search(query="ztráta průkazu", viewer=CITIZEN)) == [
        "Občanský průkaz"
    ]
    staff_titles = titles(selectors.article_search(query="ztráta průkazu", viewer=world.alice))
    assert staff_titles[0] == "Postup při ztrátě občanského průkazu na přepážce"
    assert "Občanský průkaz" in staff_titles
    # Dave works in another region: a staff article of Vysočina is not for him.
    assert "Postup při ztrátě občanského průkazu na přepážce" not in titles(
        selectors.article_search(query="ztráta průkazu", viewer=world.dave)
    )


def test_articles_matching_more_words_come_first(world, id_card):
    publish(title="Ztráta psa", body="Ztratil se vám pes? Ztráta, ztráta, ztráta.")
    hits = selectors.article_search(query="ztráta občanského průkazu", viewer=CITIZEN)
    assert titles(hits)[0] == "Občanský průkaz"


def test_drafts_and_archived_articles_are_not_found(world, id_card):
    services.article_create(by=None, kind="faq", title="Průkaz pro psa", body="Návrh.")
    assert titles(selectors.article_search(query="průkaz", viewer=CITIZEN)) == ["Občanský průkaz"]
    services.article_archive(article=id_card, by=None)
    assert selectors.article_search(query="průkaz", viewer=CITIZEN) == []


def test_a_published_draft_replaces_the_text_in_the_index(world, id_card):
    services.article_edit(article=id_card, by=None, title="Občanský průkaz", body="Cestovní pas.")
    # Until published, search still finds the published text.
    assert titles(selectors.article_search(query="obecní úřad", viewer=CITIZEN))
    services.article_publish(article=id_card, by=None)
    assert selectors.article_search(query="obecní úřad", viewer=CITIZEN) == []
    assert titles(selectors.article_search(query="pas", viewer=CITIZEN)) == ["Občanský průkaz"]


def test_a_query_of_stopwords_finds_nothing(world, id_card):
    assert selectors.article_search(query="kde je to a jak", viewer=CITIZEN) == []
    assert selectors.article_search(query="   ", viewer=CITIZEN) == []


def test_a_common_word_does_not_crowd_out_the_articles_with_the_rare_ones(world):
    """Sixty-odd local articles with "dům" in their titles and all over their text match one
    word of the query; the article with every word of it, in its text only, is still found, and
    first."""
    for number in range(65):
        publish(
            title=f"Pronájem kulturního domu {number}",
            body="Sál kulturního domu pronajímá obec. Kulturní dům, dům pro oslavy; dům hasičů.",
            slug=f"kulturni-dum-{number}",
        )
    publish(
        title="Pečovatelská služba",
        body="Pomáhá seniorům v domácnosti: dovoz obědů až domů, nákupy a úklid.",
        slug="pecovatelska-sluzba",
    )

    hits = selectors.article_search(query="dovoz obědů domů", viewer=CITIZEN, mode="lexical")

    assert titles(hits)[0] == "Pečovatelská služba"
