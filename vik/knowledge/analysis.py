"""Czech text analysis for lexical search: the same terms for the documents and the queries.

A word becomes its lemma (simplemma: "občanského" -> "občanský") folded to lower case without
diacritics ("obcansky"), and also the folded word itself, so that an inflected word typed
without diacritics ("prukazu") still finds a text that has it. A citizen typing "obcansky
prukaz" gets the folded lemmas directly. Terms are letters and digits only, which keeps them
safe inside a PostgreSQL tsquery and an FTS5 query alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

import simplemma

from vik.core.text import fold

_WORD = re.compile(r"[^\W_]+")

# Words that say nothing about what an article is about, as lemmas. Not "byt" (a flat): only
# the verb "být" is dropped, before folding makes the two the same.
STOPWORDS = frozenset(
    """
    a aby ale ani ano až bez by být co či další do i jak jaký jako je jeho jej její jejich jen
    již jsem jste k kam kde kdo kdy když ke který kterýkoli má mít mě mi mně mnou můj my na nad
    naše náš ne nebo něco nějaký o od on ona oni ono pak po pod podle pokud pro proto před při s
    se si sice so svůj tak také takový tam ten tento to tu ty u už v ve vám váš vy z za ze že já
    ty můžu moci chtít dobrý den prosím děkovat the of and or to in for on is are be a an how
    what where when which who with
    """.split()  # noqa: SIM905 — a list of words reads better as words
)


class Word(NamedTuple):
    """One word of a text: where it is, and the terms it stands for."""

    start: int
    end: int
    terms: frozenset[str]


@lru_cache(maxsize=65536)
def _word_terms(word: str, languages: tuple[str, ...]) -> frozenset[str]:
    lower = word.lower()
    lemmas = {simplemma.lemmatize(lower, lang=language) for language in languages}
    if lower in STOPWORDS or lemmas & STOPWORDS:
        return frozenset()
    terms = {fold(lemma) for lemma in lemmas} | {fold(lower)}
    return frozenset(term for piece in terms for term in _WORD.findall(piece))


def words(text: str, languages: tuple[str, ...] = ("cs",)) -> Iterator[Word]:
    for match in _WORD.finditer(text):
        start, end = match.span()
        yield Word(start, end, _word_terms(match.group(), languages))


def document_terms(text: str, language: str = "cs") -> str:
    """The search document of a text: its terms, space-separated, in text order."""
    return " ".join(term for word in words(text, (language,)) for term in sorted(word.terms))


def query_terms(query: str) -> list[frozenset[str]]:
    """One group of alternative terms per meaningful word of the query, in order, without
    repeats; empty when the query has only stopwords (documents have none of them either)."""
    groups: list[frozenset[str]] = []
    for word in words(query[:500], ("cs", "en")):
        if word.terms and word.terms not in groups:
            groups.append(word.terms)
    return groups[:32]
