"""The vocabulary of the search index, and typo correction of query words against it.

Every term of a `SearchEntry` document is a `SearchTerm` row with the number of entries that
have it, kept by `search_index` in the transaction that changes the entry (`entry_terms_changed`),
on SQLite and PostgreSQL alike. Each process keeps the vocabulary in memory with a trigram
index, reloaded when the index changed (the newest `SearchEntry.updated_at`, asked at most every
`VIK_KNOWLEDGE_VECTOR_CACHE_SECONDS`, or at once after this process changed the index).

`corrections(word)`: a query word none of whose terms is in the vocabulary ("prukas",
"obcansky prukz") becomes the closest vocabulary terms: the optimal string alignment distance
(Levenshtein with transpositions) at most 1 for words of 4-7 letters and 2 for longer ones;
among equally close terms the ones in most entries. Candidates are the terms sharing trigrams
with the word, so a correction reads a few hundred terms, not the whole vocabulary.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.db.models import Max

from .models import SearchEntry, SearchTerm

MIN_CORRECTED = 4  # shorter words are not corrected: too many neighbours
LONG_WORD = 8  # from this length two edits are tolerated
MAX_CANDIDATES = 300  # most trigram-sharing terms compared exactly
MAX_CORRECTIONS = 2  # terms a word may become


def entry_terms_changed(*, old: Iterable[str], new: Iterable[str], using: str = "default") -> None:
    """Count an entry's terms: `old` were its document's terms, `new` are (empty when the entry
    was deleted or created)."""
    old_set, new_set = set(old), set(new)
    added = sorted(term[:100] for term in new_set - old_set)
    removed = sorted(term[:100] for term in old_set - new_set)
    table = SearchTerm._meta.db_table
    with connections[using].cursor() as cursor:
        if added:
            cursor.executemany(
                f"INSERT INTO {table} (term, entries) VALUES (%s, 1) "  # noqa: S608
                "ON CONFLICT (term) DO UPDATE SET entries = " + table + ".entries + 1",
                [[term] for term in added],
            )
        if removed:
            cursor.executemany(
                f"UPDATE {table} SET entries = entries - 1 WHERE term = %s",  # noqa: S608
                [[term] for term in removed],
            )


def vocabulary_rebuild(using: str = "default") -> int:
    """Count every entry's terms afresh (after entries were written around `search_index`, as
    the benchmark's bulk load does). How many terms."""
    counts: dict[str, int] = defaultdict(int)
    rows = SearchEntry.objects.using(using).values_list("document_title", "document_body")
    for title, body in rows.iterator(chunk_size=2000):
        for term in set(title.split()) | set(body.split()):
            counts[term[:100]] += 1
    SearchTerm.objects.using(using).all().delete()
    SearchTerm.objects.using(using).bulk_create(
        [SearchTerm(term=term, entries=n) for term, n in counts.items()], batch_size=5000
    )
    vocabulary_cache.touch()
    return len(counts)


def _trigrams(term: str) -> set[str]:
    padded = f"#{term}#"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance of `a` and `b`, or `limit + 1` when beyond `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[len(b)]


def allowed_distance(word: str) -> int:
    if len(word) < MIN_CORRECTED:
        return 0
    return 2 if len(word) >= LONG_WORD else 1


@dataclass
class Vocabulary:
    counts: dict[str, int] = field(default_factory=dict)
    by_trigram: dict[str, list[str]] = field(default_factory=dict)

    def __contains__(self, term: str) -> bool:
        return self.counts.get(term, 0) > 0

    def __len__(self) -> int:
        return len(self.counts)

    def entries(self, term: str) -> int:
        return self.counts.get(term, 0)

    def corrections(self, word: str) -> list[tuple[str, int]]:
        """(term, distance) of the vocabulary closest to `word`, best first; empty when `word`
        is in the vocabulary, too short, or nothing is close enough."""
        limit = allowed_distance(word)
        if not limit or word in self:
            return []
        shared: dict[str, int] = defaultdict(int)
        for trigram in _trigrams(word):
            for term in self.by_trigram.get(trigram, ()):
                shared[term] += 1
        candidates = sorted(
            (term for term in shared if abs(len(term) - len(word)) <= limit),
            key=lambda term: (-shared[term], -self.counts[term], term),
        )[:MAX_CANDIDATES]
        found = []
        for term in candidates:
            d = distance(word, term, limit)
            if d <= limit:
                found.append((d, -self.counts[term], term))
        if not found:
            return []
        found.sort()
        best = found[0][0]
        return [(term, d) for d, _n, term in found if d == best][:MAX_CORRECTIONS]


def _load(alias: str) -> Vocabulary:
    counts = dict(
        SearchTerm.objects.using(alias).filter(entries__gt=0).values_list("term", "entries")
    )
    by_trigram: dict[str, list[str]] = defaultdict(list)
    for term in counts:
        if len(term) >= MIN_CORRECTED - 1 and not term.isdigit():
            for trigram in _trigrams(term):
                by_trigram[trigram].append(term)
    return Vocabulary(counts, dict(by_trigram))


@dataclass
class _Cached:
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    newest: object = None
    checked_at: float = 0.0
    loaded: bool = False


class VocabularyCache:
    """The vocabulary of each database alias, in memory, reloaded when the index changed."""

    def __init__(self) -> None:
        self._by_alias: dict[str, _Cached] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._by_alias.clear()

    def touch(self) -> None:
        with self._lock:
            for cached in self._by_alias.values():
                cached.checked_at = 0.0
                cached.newest = object()  # differs from any stamp: reload

    def get(self, alias: str = "default") -> Vocabulary:
        with self._lock:
            cached = self._by_alias.setdefault(alias, _Cached())
            now = time.monotonic()
            fresh = (
                cached.loaded
                and cached.checked_at
                and now - cached.checked_at < settings.VIK_KNOWLEDGE_VECTOR_CACHE_SECONDS
            )
            if fresh:
                return cached.vocabulary
            newest = SearchEntry.objects.using(alias).aggregate(newest=Max("updated_at"))["newest"]
            if not cached.loaded or newest != cached.newest:
                cached.vocabulary = _load(alias)
                cached.newest = newest
                cached.loaded = True
            cached.checked_at = time.monotonic()
            return cached.vocabulary


vocabulary_cache = VocabularyCache()
