"""The demo's phrasings ("Jak se lidé ptají") of its life situations: pure data."""

from vik.core.text import fold
from vik.demo import knowledge_content as content
from vik.knowledge.services.articles import PHRASING_LENGTH


def test_every_life_situation_has_three_to_six_distinct_phrasings():
    assert set(content.PHRASINGS) == set(content.LIFE_SITUATIONS)
    for code, phrasings in content.PHRASINGS.items():
        assert 3 <= len(phrasings) <= 6, code
        assert len({fold(text) for text in phrasings}) == len(phrasings), code
        assert all(0 < len(text) <= PHRASING_LENGTH for text in phrasings), code


def test_every_faq_and_public_announcement_has_phrasings_of_its_own():
    titles = {question for _topic, question, _answer in content.FAQS} | {
        title for audience, title, _summary, _body in content.ANNOUNCEMENTS if audience == "public"
    }
    assert set(content.TITLE_PHRASINGS) == titles
    for title, phrasings in content.TITLE_PHRASINGS.items():
        assert 2 <= len(phrasings) <= 6, title
        folded = {fold(text) for text in phrasings}
        assert len(folded) == len(phrasings) and fold(title) not in folded, title
        assert all(0 < len(text) <= PHRASING_LENGTH for text in phrasings), title
