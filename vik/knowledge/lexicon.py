"""How people ask, and what the articles say: the query side of the knowledge search.

- The Czech colloquial lexicon (`data/lexicon_cs.txt`, shipped with VIK) and the editors'
  synonyms (`models.Synonym`, /staff/knowledge/synonyms/) map a word or phrase people type
  ("řidičák", "psí známka") to what the articles call it ("řidičský průkaz", "poplatek ze
  psů"). Keys match a query word by its lemmatised, folded terms (`analysis`) or by the same
  stem (the word without its final vowels: "obcanku" is "obcanka"), so inflected and
  unaccented forms match too; multi-word keys match consecutive query words.
- Weak words ("vyřídit", "potřebuji", "zařídit"; in English "need", "apply"): said in every
  question, about nothing in particular. They stay in the query but weigh `WEAK_WEIGHT` of a
  word.

`plan(query, synonyms)` turns a query into `QueryWord`s: for each meaningful word (or matched
phrase) its alternatives, each a phrase of term groups: the word itself first, then each
expansion. Typo corrections are added by the search (`vocabulary`), which knows the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import analysis

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "lexicon_cs.txt"
MAX_KEY_WORDS = 4
WEAK_WEIGHT = 0.2
# As lemmas; folded on use. Words of a request, not of its subject. The lemmatiser does not know
# the forms people type without diacritics ("musim", "nemuzu"): the common ones are listed too.
WEAK_WORDS = frozenset(
    """
    vyřídit vyřízení vyřizovat zařídit zařizovat potřebovat potřeba chtít muset mít udělat
    dělat řešit vyřešit zajistit získat dostat sehnat zjistit vědět poradit pomoci pomoc
    dotaz otázka informace info prosba dobrý den prosím děkovat díky ahoj dobrá dobře rád
    měl mohl šlo jít potřebný nutný nutno jaký jakým kde kdy kolik dá dát jak postup nějak
    need want get apply application please hello thanks
    musím musim musíme musime nemusím nemusim můžu muzu můžeme muzeme nemůžu nemuzu mám mam
    nemám nemam chci chceme nevím nevim někde nekde něco neco
    """.split()  # noqa: SIM905 — a list of words reads better as words
)
_VOWELS = "aeiouy"


Phrase = tuple[frozenset[str], ...]  # consecutive words' terms; all of them must match


@dataclass(frozen=True)
class Expansion:
    """An alternative a word got: `source` is "lexicon", "synonym" or "typo"."""

    source: str
    text: str
    phrase: Phrase


@dataclass
class QueryWord:
    """One meaningful word (or a lexicon phrase) of a query, with its alternatives."""

    text: str
    terms: frozenset[str]  # the typed word's own terms
    weight: float = 1.0
    expansions: list[Expansion] = field(default_factory=list)

    @property
    def weak(self) -> bool:
        return self.weight < 1.0

    @property
    def alternatives(self) -> list[tuple[Phrase, str]]:
        """(phrase, source): the word itself ("query"), then each expansion."""
        own: list[tuple[Phrase, str]] = [((self.terms,), "query")] if self.terms else []
        return own + [(expansion.phrase, expansion.source) for expansion in self.expansions]

    def all_terms(self) -> frozenset[str]:
        """Every term of every alternative: what the index is asked for, what snippets mark."""
        terms = set(self.terms)
        for expansion in self.expansions:
            for group in expansion.phrase:
                terms |= group
        return frozenset(terms)


def _stem(term: str) -> str:
    return term.rstrip(_VOWELS)


def _stems(terms: Iterable[str]) -> frozenset[str]:
    return frozenset(stem for stem in (_stem(term) for term in terms) if len(stem) >= 4)


def phrase_of(text: str) -> Phrase:
    """The term groups of the meaningful words of `text`."""
    return tuple(word.terms for word in analysis.words(text, ("cs",)) if word.terms)


@dataclass(frozen=True)
class _Key:
    words: tuple[frozenset[str], ...]  # each key word's terms
    stems: tuple[frozenset[str], ...]


def _key(text: str) -> _Key | None:
    words = phrase_of(text)
    if not words or len(words) > MAX_KEY_WORDS:
        return None
    return _Key(words, tuple(_stems(group) for group in words))


@dataclass
class Lexicon:
    """Keys and their expansions, indexed by the terms and stems of a key's first word."""

    expansions: dict[_Key, list[tuple[str, str]]] = field(default_factory=dict)
    first: dict[str, list[_Key]] = field(default_factory=dict)

    def add(self, key: _Key, expansion: str, source: str) -> None:
        known = self.expansions.get(key)
        if known is None:
            known = self.expansions[key] = []
            for term in key.words[0] | key.stems[0]:
                self.first.setdefault(term, []).append(key)
        if all(text != expansion for text, _source in known):
            known.append((expansion, source))

    def __len__(self) -> int:
        return sum(len(expansions) for expansions in self.expansions.values())

    def match(
        self, words: Sequence[tuple[frozenset[str], frozenset[str]]], start: int
    ) -> tuple[int, list[tuple[str, str]]]:
        """The longest key at `start` of `words` ((terms, stems) each): (how many words,
        [(expansion, source)]); (0, []) for none."""
        terms, stems = words[start]
        keys = {key for term in terms | stems for key in self.first.get(term, ())}
        best: tuple[int, list[tuple[str, str]]] = (0, [])
        for key in sorted(keys, key=lambda key: -len(key.words)):
            n = len(key.words)
            if start + n > len(words) or n < best[0]:
                continue
            if all(
                key.words[i] & words[start + i][0] or key.stems[i] & words[start + i][1]
                for i in range(n)
            ):
                best = (n, best[1] + self.expansions[key])
        return best


def parse(lines: Iterable[str], source: str = "lexicon") -> list[tuple[str, str, str]]:
    """(key, expansion, source) of each entry of lexicon text lines."""
    entries: list[tuple[str, str, str]] = []
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if "=" not in line:
            continue
        key, _sep, rest = line.partition("=")
        for expansion in rest.split(";"):
            if key.strip() and expansion.strip():
                entries.append((key.strip(), expansion.strip(), source))
    return entries


def build(entries: Iterable[tuple[str, str, str]]) -> Lexicon:
    lexicon = Lexicon()
    for key_text, expansion, source in entries:
        key = _key(key_text)
        phrase = phrase_of(expansion)
        if key is None or not phrase or phrase == key.words:
            continue  # "úřad = úřad": nothing to add
        lexicon.add(key, expansion, source)
    return lexicon


@lru_cache(maxsize=1)
def shipped() -> Lexicon:
    """The lexicon shipped with VIK."""
    return build(parse(LEXICON_FILE.read_text(encoding="utf-8").splitlines()))


@lru_cache(maxsize=16)
def _editors(synonyms: tuple[tuple[str, str], ...]) -> Lexicon:
    """The editors' synonyms as a lexicon, built once per set of them (a search reads the same
    set again and again)."""
    return build(
        (term, part.strip(), "synonym")
        for term, expansion in synonyms
        for part in expansion.split(";")
        if part.strip()
    )


@lru_cache(maxsize=1)
def _weak_terms() -> frozenset[str]:
    return frozenset(
        term for text in WEAK_WORDS for word in analysis.words(text, ("cs",)) for term in word.terms
    )


def plan(query: str, synonyms: Iterable[tuple[str, str]] = ()) -> list[QueryWord]:
    """The query's words with their expansions (the shipped lexicon and `synonyms`: (term,
    expansion) of the editors), weak words weighted down. Empty when nothing is meaningful."""
    lexicons = [_editors(tuple(synonyms)), shipped()]
    typed = [
        (query[word.start : word.end], word.terms)
        for word in analysis.words(query[:500], ("cs", "en"))
        if word.terms
    ][:32]
    keyed = [(terms, _stems(terms)) for _text, terms in typed]
    weak = _weak_terms()
    result: list[QueryWord] = []
    seen: list[frozenset[str]] = []
    index = 0
    while index < len(typed):
        length, expansions = 0, []
        for lexicon in lexicons:  # the editors' first: on the same length both apply
            n, found = lexicon.match(keyed, index)
            if n > length:
                length, expansions = n, found
            elif n and n == length:
                expansions = expansions + [item for item in found if item not in expansions]
        if length > 1:
            text = " ".join(text for text, _terms in typed[index : index + length])
            words = tuple(terms for _text, terms in typed[index : index + length])
            word = QueryWord(text=text, terms=frozenset())
            word.expansions.append(Expansion("query", text, words))
        else:
            length = 1
            text, terms = typed[index]
            word = QueryWord(text=text, terms=terms)
            if terms & weak and not expansions:
                word.weight = WEAK_WEIGHT
        for expansion, source in expansions:
            if any(known.text == expansion for known in word.expansions):
                continue
            word.expansions.append(Expansion(source, expansion, phrase_of(expansion)))
        index += length
        key = word.all_terms()
        if key in seen:
            continue
        seen.append(key)
        result.append(word)
    return result
